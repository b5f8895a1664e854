import { hashPassword, DEFAULT_HASHING } from '../passwords/password-hash';
import { ConfigUsersProvider } from './config-users.provider';

const request = (username?: string, password?: string) => ({
  clientId: 'c',
  remoteAddress: '10.0.0.1',
  protocolVersion: 4 as const,
  ...(username !== undefined ? { username } : {}),
  ...(password !== undefined ? { password: Buffer.from(password) } : {}),
});

const cheap = { argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 }, pbkdf2Iterations: 1000 };

describe('ConfigUsersProvider', () => {
  let provider: ConfigUsersProvider;

  beforeAll(async () => {
    provider = new ConfigUsersProvider(
      [
        { username: 'alice', password: 'wonderland', superuser: false },
        { username: 'root', password: 'toor', superuser: true },
        { username: 'argon', passwordHash: await hashPassword('a-pass', { ...DEFAULT_HASHING, ...cheap }), superuser: false },
        { username: 'pbkdf', passwordHash: await hashPassword('p-pass', { ...DEFAULT_HASHING, ...cheap, algorithm: 'pbkdf2-sha512' }), superuser: false },
      ],
      { hashing: cheap },
    );
    await provider.start();
  });

  it('accepts a configured user with the right password', async () => {
    expect(await provider.authenticate(request('alice', 'wonderland'))).toEqual({ decision: 'allow', superuser: false });
    expect(await provider.authenticate(request('root', 'toor'))).toEqual({ decision: 'allow', superuser: true });
  });

  it('accepts users given as argon2id and PBKDF2-SHA512 hashes', async () => {
    expect(await provider.authenticate(request('argon', 'a-pass'))).toEqual({ decision: 'allow', superuser: false });
    expect(await provider.authenticate(request('pbkdf', 'p-pass'))).toEqual({ decision: 'allow', superuser: false });
    expect(await provider.authenticate(request('argon', 'p-pass'))).toMatchObject({ decision: 'deny', reason: 'bad_credentials' });
    expect(await provider.authenticate(request('pbkdf', 'a-pass'))).toMatchObject({ decision: 'deny', reason: 'bad_credentials' });
  });

  it('refuses a configured user with a wrong or missing password as bad credentials', async () => {
    expect(await provider.authenticate(request('alice', 'wonderlan'))).toMatchObject({ decision: 'deny', reason: 'bad_credentials' });
    expect(await provider.authenticate(request('alice', ''))).toMatchObject({ decision: 'deny', reason: 'bad_credentials' });
    expect(await provider.authenticate(request('alice'))).toMatchObject({ decision: 'deny', reason: 'bad_credentials' });
  });

  it('passes unknown users and clients without a username to the next provider', async () => {
    expect(await provider.authenticate(request('mallory', 'wonderland'))).toEqual({ decision: 'ignore' });
    expect(await provider.authenticate(request('__proto__', 'x'))).toEqual({ decision: 'ignore' });
    expect(await provider.authenticate(request(undefined, 'wonderland'))).toEqual({ decision: 'ignore' });
  });

  it('fails at start on a password hash it cannot verify', async () => {
    const bad = new ConfigUsersProvider([{ username: 'x', passwordHash: '$argon2id$v=19$broken', superuser: false }], { hashing: cheap });
    await expect(bad.start()).rejects.toThrow(/PHC/);
  });
});
