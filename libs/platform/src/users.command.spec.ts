import { MemoryAuthStore } from '@mqp/storage';
import { verifyPassword } from '@mqp/service-auth';
import { UsageError } from './store-command';
import { parseUsersCommand, passwordFromStdin, runUsersCommand, validateUsername } from './users.command';

const cheap = { argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 }, pbkdf2Iterations: 1000 };

describe('mqp users: parsing', () => {
  it('parses add with a password flag, superuser, hash and the store flags', () => {
    expect(parseUsersCommand(['add', 'alice', '--password', 'pw', '--superuser', '--hash=pbkdf2', '--data-dir', '/d', '--config', 'c.yaml'])).toEqual({
      action: 'add',
      store: { dataDir: '/d', configFile: 'c.yaml' },
      username: 'alice',
      password: { from: 'flag', value: 'pw' },
      superuser: true,
      hash: 'pbkdf2',
    });
    expect(parseUsersCommand(['add', 'bob', '--password-stdin', '--mongodb', 'mongodb://h/db'])).toMatchObject({ password: { from: 'stdin' }, superuser: false, hash: 'argon2id', store: { mongodbUri: 'mongodb://h/db' } });
  });

  it.each([
    [['add', 'a+b', '--password', 'x'], /\+, # or \//],
    [['add', 'a#', '--password', 'x'], /\+, # or \//],
    [['add', 'a/b', '--password', 'x'], /\+, # or \//],
    [['add', '', '--password', 'x'], /empty/],
    [['add', 'alice'], /exactly one of --password/],
    [['add', 'alice', '--password', 'x', '--password-stdin'], /exactly one of --password/],
    [['add', 'alice', '--password='], /password is empty/],
    [['add', 'alice', '--password', 'x', '--hash', 'md5'], /--hash/],
    [['add', 'alice', 'bob', '--password', 'x'], /one username/],
    [['add', 'alice', '--password', 'x', '--bogus', '1'], /unknown flag --bogus/],
    [['add', 'alice', '--password'], /needs a value/],
    [['remove'], /one username/],
    [['list', 'extra'], /unexpected argument/],
    [['frobnicate'], /unknown users command/],
    [[], /needs add, remove or list/],
  ])('refuses %j (CVE-2017-7650 for + # / usernames)', (args, message) => {
    expect(() => parseUsersCommand(args)).toThrow(UsageError);
    expect(() => parseUsersCommand(args)).toThrow(message);
  });

  it('refuses usernames with U+0000 or over 65,535 bytes and accepts unicode', () => {
    expect(validateUsername('a\u0000b')).toMatch(/U\+0000/);
    expect(validateUsername('é'.repeat(40_000))).toMatch(/65535 bytes/);
    expect(validateUsername('ünïcode-user')).toBeUndefined();
  });

  it('takes the first line of stdin as the password, line ending removed', () => {
    expect(passwordFromStdin('s3cret\n')).toBe('s3cret');
    expect(passwordFromStdin('s3cret\r\n')).toBe('s3cret');
    expect(() => passwordFromStdin('\n')).toThrow(/empty/);
    expect(() => passwordFromStdin('a\nb\n')).toThrow(/more than one line/);
  });
});

describe('mqp users: running', () => {
  const run = async (store: MemoryAuthStore, args: string[], stdin = ''): Promise<string[]> => {
    const lines: string[] = [];
    await runUsersCommand(parseUsersCommand(args), { store, output: { out: (l) => lines.push(l) }, readStdin: async () => stdin, hashing: cheap });
    return lines;
  };

  it('adds a user with an argon2id hash by default, never printing the password or the hash', async () => {
    const store = new MemoryAuthStore();
    const out = await run(store, ['add', 'alice', '--password', 'pa55word']);
    const user = (await store.getUser('alice'))!;
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(user.superuser).toBe(false);
    expect(await verifyPassword(user.passwordHash, Buffer.from('pa55word'))).toBe(true);
    const listed = await run(store, ['list']);
    expect(listed).toEqual(['alice\tuser\targon2id']);
    expect([...out, ...listed].join('\n')).not.toMatch(/pa55word|\$argon2id\$/);
  });

  it('adds a PBKDF2 superuser from stdin, replaces an existing user and removes one', async () => {
    const store = new MemoryAuthStore();
    await run(store, ['add', 'root', '--password-stdin', '--superuser', '--hash', 'pbkdf2'], 'from-stdin\n');
    const root = (await store.getUser('root'))!;
    expect(root).toMatchObject({ superuser: true, passwordHash: expect.stringMatching(/^\$pbkdf2-sha512\$/) });
    expect(await verifyPassword(root.passwordHash, Buffer.from('from-stdin'))).toBe(true);
    expect(await run(store, ['add', 'root', '--password', 'other'])).toEqual(['replaced user root']);
    expect(await run(store, ['remove', 'root'])).toEqual(['removed user root']);
    expect(await store.listUsers()).toEqual([]);
    await expect(run(store, ['remove', 'root'])).rejects.toThrow(/no user "root"/);
  });

  it('stores SCRAM credentials when a deriver is given', async () => {
    const store = new MemoryAuthStore();
    const scram = { salt: 'c2FsdA==', iterations: 4096, storedKey: 'aw==', serverKey: 'cw==' };
    await runUsersCommand(parseUsersCommand(['add', 'dev', '--password', 'pw']), { store, output: { out: () => undefined }, readStdin: async () => '', hashing: cheap, deriveScram: () => scram });
    expect((await store.getUser('dev'))?.scram).toEqual(scram);
  });
});
