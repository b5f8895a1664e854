import { authSchema } from '@mqp/config';
import type { AuthorizeRequest } from '@mqp/contracts';
import { createLogger, silentLogger } from '@mqp/runtime';
import { AuthService } from './auth.service';

type AuthInput = Parameters<typeof authSchema.parse>[0];

async function service(auth: AuthInput, logger = silentLogger): Promise<AuthService> {
  const s = new AuthService(authSchema.parse(auth), logger, { hashing: { argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 } } });
  await s.start();
  return s;
}

const connect = (username?: string, password?: string, remoteAddress = '10.0.0.1') => ({
  clientId: 'c1',
  remoteAddress,
  protocolVersion: 5 as const,
  ...(username !== undefined ? { username } : {}),
  ...(password !== undefined ? { password: Buffer.from(password) } : {}),
});

const pub = (topic: string, who: Partial<AuthorizeRequest> = {}): AuthorizeRequest => ({ clientId: 'c1', action: 'publish', topic, ...who });
const sub = (topic: string, who: Partial<AuthorizeRequest> = {}): AuthorizeRequest => ({ clientId: 'c1', action: 'subscribe', topic, ...who });

describe('AuthService authentication', () => {
  it('accepts a configured user and refuses a wrong password as bad credentials', async () => {
    const auth = await service({ users: [{ username: 'alice', password: 'secret' }] });
    expect(await auth.authenticate(connect('alice', 'secret'))).toEqual({ decision: 'allow', superuser: false });
    expect(await auth.authenticate(connect('alice', 'nope'))).toEqual({ decision: 'deny', reason: 'bad_credentials' });
  });

  it('refuses an unknown username at the end of the chain as not authorized, even with allowAnonymous', async () => {
    const auth = await service({ allowAnonymous: true, users: [{ username: 'alice', password: 'secret' }] });
    expect(await auth.authenticate(connect('bob', 'secret'))).toEqual({ decision: 'deny', reason: 'not_authorized' });
  });

  it('decides a client without username by the anonymous policy after the users provider', async () => {
    const auth = await service({ allowAnonymous: true, users: [{ username: 'alice', password: 'secret' }] });
    expect(await auth.authenticate(connect())).toEqual({ decision: 'allow', superuser: false });
  });

  it('with no auth configured, accepts anonymous clients only from loopback', async () => {
    const auth = await service({});
    expect(await auth.authenticate(connect(undefined, undefined, '127.0.0.1'))).toEqual({ decision: 'allow', superuser: false });
    expect(await auth.authenticate(connect(undefined, undefined, '10.0.0.1'))).toEqual({ decision: 'deny', reason: 'not_authorized' });
  });

  it('logs one line per refusal with the reason and never the password', async () => {
    const lines: string[] = [];
    const auth = await service({ users: [{ username: 'alice', password: 'secret' }] }, createLogger({ sink: (l) => lines.push(l) }));
    lines.length = 0;
    await auth.authenticate(connect('alice', 'hunter2-wrong'));
    await auth.authenticate(connect('alice', 'secret'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('reason=bad_credentials');
    expect(lines[0]).toContain('username=alice');
    expect(lines[0]).not.toContain('hunter2');
  });

  it('says at start that anonymous clients are accepted only from loopback when nothing is configured', async () => {
    const lines: string[] = [];
    await service({}, createLogger({ sink: (l) => lines.push(l) }));
    expect(lines.join('\n')).toContain('anonymous clients accepted only from loopback');
  });

  it('waits for password hashing when authenticate comes before start, at the default argon2id cost', async () => {
    const auth = new AuthService(authSchema.parse({ users: [{ username: 'alice', password: 'secret' }] }), silentLogger);
    expect(await auth.authenticate(connect('alice', 'secret'))).toEqual({ decision: 'allow', superuser: false });
  });
});

describe('AuthService authorization', () => {
  it('allows everything when no ACL rules are configured', async () => {
    const auth = await service({});
    expect(await auth.authorize(pub('any/topic'))).toEqual({ allow: true });
    expect(await auth.authorize(sub('#'))).toEqual({ allow: true });
  });

  it('allows $SYS subscriptions only to superusers, even without ACL rules', async () => {
    const auth = await service({ users: [{ username: 'root', password: 'r', superuser: true }, { username: 'alice', password: 'a' }] });
    expect(await auth.authorize(sub('$SYS/#', { username: 'alice', superuser: false }))).toEqual({ allow: false });
    expect(await auth.authorize(sub('$SYS/broker/+'))).toEqual({ allow: false });
    expect(await auth.authorize(sub('$share/g/$SYS/#'))).toEqual({ allow: false });
    expect(await auth.authorize(pub('$SYS/broker/uptime', { username: 'alice' }))).toEqual({ allow: false });
    expect(await auth.authorize(sub('$SYS/#', { username: 'root', superuser: true }))).toEqual({ allow: true });
  });

  it('takes superuser from the request (what authenticate answered), not from the username', async () => {
    const auth = await service({
      users: [{ username: 'root', password: 'r', superuser: true }],
      acl: [{ permission: 'deny', action: 'all', topics: ['#'] }],
    });
    expect(await auth.authenticate(connect('root', 'r'))).toEqual({ decision: 'allow', superuser: true });
    expect(await auth.authorize(pub('x', { username: 'root', superuser: true }))).toEqual({ allow: true });
    expect(await auth.authorize(pub('x', { username: 'root' }))).toEqual({ allow: false });
    expect(await auth.authorize(pub('x', { username: 'other' }))).toEqual({ allow: false });
  });

  it('uses the first matching rule', async () => {
    const auth = await service({
      acl: [
        { permission: 'deny', action: 'all', topics: ['secret/#'] },
        { permission: 'allow', action: 'all', topics: ['#'] },
      ],
    });
    expect(await auth.authorize(pub('secret/x'))).toEqual({ allow: false });
    expect(await auth.authorize(pub('public/x'))).toEqual({ allow: true });
  });

  it('denies what no rule matches by default, and allows it with aclNoMatch allow', async () => {
    const rules = [{ permission: 'allow' as const, action: 'all' as const, topics: ['a'] }];
    expect(await (await service({ acl: rules })).authorize(pub('b'))).toEqual({ allow: false });
    expect(await (await service({ acl: rules, aclNoMatch: 'allow' })).authorize(pub('b'))).toEqual({ allow: true });
  });

  it('applies a rule only to its action', async () => {
    const auth = await service({ acl: [{ permission: 'allow', action: 'subscribe', topics: ['t/#'] }] });
    expect(await auth.authorize(sub('t/1'))).toEqual({ allow: true });
    expect(await auth.authorize(pub('t/1'))).toEqual({ allow: false });
  });

  it('applies a rule only to its username or client id', async () => {
    const auth = await service({
      acl: [
        { permission: 'allow', username: 'alice', topics: ['alice-only'] },
        { permission: 'allow', clientid: 'dev-1', topics: ['dev-1-only'] },
      ],
    });
    expect(await auth.authorize(pub('alice-only', { username: 'alice' }))).toEqual({ allow: true });
    expect(await auth.authorize(pub('alice-only', { username: 'bob' }))).toEqual({ allow: false });
    expect(await auth.authorize(pub('alice-only'))).toEqual({ allow: false });
    expect(await auth.authorize(pub('dev-1-only', { clientId: 'dev-1' }))).toEqual({ allow: true });
    expect(await auth.authorize(pub('dev-1-only', { clientId: 'dev-2' }))).toEqual({ allow: false });
  });

  it('matches publish topics against rule filters', async () => {
    const auth = await service({ acl: [{ permission: 'allow', action: 'publish', topics: ['sensors/+/temp', 'logs/#'] }] });
    expect(await auth.authorize(pub('sensors/1/temp'))).toEqual({ allow: true });
    expect(await auth.authorize(pub('logs'))).toEqual({ allow: true });
    expect(await auth.authorize(pub('sensors/1/humidity'))).toEqual({ allow: false });
  });

  it('allows a subscription only when a rule filter covers the whole requested filter', async () => {
    const auth = await service({ acl: [{ permission: 'allow', action: 'subscribe', topics: ['a/#', 'b/+'] }] });
    expect(await auth.authorize(sub('a/b/+'))).toEqual({ allow: true });
    expect(await auth.authorize(sub('b/x'))).toEqual({ allow: true });
    expect(await auth.authorize(sub('b/#'))).toEqual({ allow: false });
    expect(await auth.authorize(sub('#'))).toEqual({ allow: false });
  });

  it('checks the real filter of a shared subscription', async () => {
    const auth = await service({ acl: [{ permission: 'allow', action: 'subscribe', topics: ['a/#'] }] });
    expect(await auth.authorize(sub('$share/g/a/b'))).toEqual({ allow: true });
    expect(await auth.authorize(sub('$share/a/b/c'))).toEqual({ allow: false });
  });

  it("matches 'eq' topics literally, wildcards included", async () => {
    const auth = await service({ acl: [{ permission: 'allow', action: 'subscribe', topics: ['eq a/#'] }] });
    expect(await auth.authorize(sub('a/#'))).toEqual({ allow: true });
    expect(await auth.authorize(sub('a/b'))).toEqual({ allow: false });
  });

  it('substitutes ${clientid} and ${username} per request', async () => {
    const auth = await service({
      acl: [
        { permission: 'allow', topics: ['clients/${clientid}/#'] },
        { permission: 'allow', topics: ['users/${username}/inbox'] },
      ],
    });
    expect(await auth.authorize(pub('clients/c1/state'))).toEqual({ allow: true });
    expect(await auth.authorize(pub('clients/c2/state'))).toEqual({ allow: false });
    expect(await auth.authorize(sub('users/alice/inbox', { username: 'alice' }))).toEqual({ allow: true });
    expect(await auth.authorize(sub('users/alice/inbox', { username: 'bob' }))).toEqual({ allow: false });
    // A client without username matches no ${username} pattern.
    expect(await auth.authorize(sub('users//inbox'))).toEqual({ allow: false });
  });

  it.each([
    ['username', '#', sub('users/x/inbox', { username: '#' })],
    ['username', '+', sub('users/+/inbox', { username: '+' })],
    ['username', 'a/b', pub('users/a/b/inbox', { username: 'a/b' })],
    ['clientid', '#', sub('clients/#', { clientId: '#' })],
    ['clientid', '+', pub('clients/other/x', { clientId: '+' })],
  ])('a %s of %j does not turn a placeholder into a wildcard [CVE-2017-7650]', async (_field, _value, req) => {
    const auth = await service({
      acl: [
        { permission: 'allow', topics: ['clients/${clientid}/#'] },
        { permission: 'allow', topics: ['users/${username}/inbox'] },
      ],
    });
    expect(await auth.authorize(req)).toEqual({ allow: false });
  });

  it('treats an ipaddr rule fail-closed for a request without address: deny applies, allow does not', async () => {
    const auth = await service({
      acl: [
        { permission: 'deny', ipaddr: '10.0.0.0/8', topics: ['blocked'] },
        { permission: 'allow', ipaddr: '127.0.0.1', topics: ['#'] },
        { permission: 'allow', topics: ['blocked', 'open'] },
      ],
    });
    expect(await auth.authorize(pub('blocked'))).toEqual({ allow: false });
    expect(await auth.authorize(pub('open'))).toEqual({ allow: true });
    expect(await auth.authorize(pub('other'))).toEqual({ allow: false });
  });
});

describe('AuthService ipaddr rules', () => {
  const rules = {
    acl: [
      { permission: 'deny' as const, ipaddr: '10.0.0.0/8', topics: ['blocked'] },
      { permission: 'allow' as const, ipaddr: '192.168.1.20', topics: ['#'] },
      { permission: 'allow' as const, ipaddr: '2001:db8::/32', topics: ['v6/#'] },
      { permission: 'allow' as const, topics: ['blocked', 'open'] },
    ],
  };

  it('applies a CIDR deny rule only to addresses inside the block', async () => {
    const auth = await service(rules);
    expect(await auth.authorize(pub('blocked', { remoteAddress: '10.1.2.3' }))).toEqual({ allow: false });
    expect(await auth.authorize(pub('blocked', { remoteAddress: '::ffff:10.1.2.3' }))).toEqual({ allow: false });
    expect(await auth.authorize(pub('blocked', { remoteAddress: '172.16.0.1' }))).toEqual({ allow: true });
  });

  it('applies an exact-address allow rule to that address only', async () => {
    const auth = await service(rules);
    expect(await auth.authorize(pub('anything', { remoteAddress: '192.168.1.20' }))).toEqual({ allow: true });
    expect(await auth.authorize(pub('anything', { remoteAddress: '192.168.1.21' }))).toEqual({ allow: false });
  });

  it('matches IPv6 blocks', async () => {
    const auth = await service(rules);
    expect(await auth.authorize(sub('v6/a', { remoteAddress: '2001:db8:1::9' }))).toEqual({ allow: true });
    expect(await auth.authorize(sub('v6/a', { remoteAddress: '2001:db9::9' }))).toEqual({ allow: false });
  });

  it('refuses a malformed ipaddr at construction, so the config fails at boot', () => {
    expect(() => new AuthService(authSchema.parse({ acl: [{ permission: 'allow', ipaddr: '10.0.0.0/40', topics: ['#'] }] }), silentLogger)).toThrow(/CIDR/);
  });
});

describe('AuthService connection ACL (rules from token claims)', () => {
  const own = [
    { permission: 'allow' as const, action: 'publish' as const, topics: ['devices/${clientid}/#'] },
    { permission: 'deny' as const, action: 'all' as const, topics: ['public/secret'] },
  ];

  it('checks the connection rules first, then the configured rules', async () => {
    const auth = await service({ acl: [{ permission: 'allow', topics: ['public/#'] }] });
    expect(await auth.authorize(pub('devices/c1/t', { connectionAcl: own }))).toEqual({ allow: true });
    expect(await auth.authorize(pub('devices/c2/t', { connectionAcl: own }))).toEqual({ allow: false });
    expect(await auth.authorize(pub('public/secret', { connectionAcl: own }))).toEqual({ allow: false });
    expect(await auth.authorize(pub('public/other', { connectionAcl: own }))).toEqual({ allow: true });
    expect(await auth.authorize(pub('public/secret'))).toEqual({ allow: true });
  });

  it('restricts a connection with rules even when no ACL is configured (no match = aclNoMatch)', async () => {
    const auth = await service({});
    expect(await auth.authorize(pub('devices/c1/x', { connectionAcl: own }))).toEqual({ allow: true });
    expect(await auth.authorize(pub('elsewhere', { connectionAcl: own }))).toEqual({ allow: false });
    expect(await auth.authorize(sub('devices/c1/x', { connectionAcl: own }))).toEqual({ allow: false });
    expect(await auth.authorize(pub('elsewhere'))).toEqual({ allow: true });
  });
});

describe('AuthService bans', () => {
  it('refuses a banned client id, username or address as banned, and logs the reason', async () => {
    const lines: string[] = [];
    const auth = await service(
      {
        allowAnonymous: true,
        banned: [{ clientid: 'bad-id', reason: 'abuse' }, { username: 'eve' }, { ipaddr: '203.0.113.0/24' }],
      },
      createLogger({ sink: (l) => lines.push(l) }),
    );
    expect(await auth.authenticate({ ...connect(), clientId: 'bad-id' })).toEqual({ decision: 'deny', reason: 'banned' });
    expect(await auth.authenticate(connect('eve', 'x'))).toEqual({ decision: 'deny', reason: 'banned' });
    expect(await auth.authenticate(connect(undefined, undefined, '203.0.113.7'))).toEqual({ decision: 'deny', reason: 'banned' });
    expect(await auth.authenticate(connect(undefined, undefined, '203.0.114.7'))).toEqual({ decision: 'allow', superuser: false });
    const refusals = lines.filter((l) => l.includes('connection refused'));
    expect(refusals).toHaveLength(3);
    expect(refusals[0]).toContain('reason=banned');
    expect(refusals[0]).toContain('abuse');
  });

  it('bans and unbans through the API, with expiry', async () => {
    let now = 1_000_000;
    const auth = new AuthService(authSchema.parse({ allowAnonymous: true }), silentLogger, { now: () => now });
    await auth.ban({ kind: 'clientid', value: 'c1', until: now + 1000, reason: 'test' });
    expect(await auth.authenticate(connect())).toEqual({ decision: 'deny', reason: 'banned' });
    expect(await auth.listBans()).toEqual([{ kind: 'clientid', value: 'c1', until: now + 1000, reason: 'test', source: 'api' }]);
    now += 1000;
    expect(await auth.authenticate(connect())).toEqual({ decision: 'allow', superuser: false });
    expect(await auth.listBans()).toEqual([]);
    await auth.ban({ kind: 'ipaddr', value: '10.0.0.0/8' });
    expect(await auth.authenticate(connect())).toEqual({ decision: 'deny', reason: 'banned' });
    expect(await auth.unban({ kind: 'ipaddr', value: '10.0.0.0/8' })).toEqual({ removed: true });
    expect(await auth.unban({ kind: 'ipaddr', value: '10.0.0.0/8' })).toEqual({ removed: false });
    expect(await auth.authenticate(connect())).toEqual({ decision: 'allow', superuser: false });
    await expect(auth.ban({ kind: 'ipaddr', value: 'not-an-ip' })).rejects.toThrow(/not an IP/);
  });

  it('bans a client id that connects too often within the window, then lets it back after the ban [flapping]', async () => {
    let now = 5_000_000;
    const lines: string[] = [];
    const config = authSchema.parse({ allowAnonymous: true, flapping: { maxConnects: 3, windowMs: 1000, banMs: 5000 } });
    const auth = new AuthService(config, createLogger({ sink: (l) => lines.push(l) }), { now: () => now });
    expect(await auth.authenticate(connect())).toMatchObject({ decision: 'allow' });
    expect(await auth.authenticate(connect())).toMatchObject({ decision: 'allow' });
    expect(await auth.authenticate(connect())).toEqual({ decision: 'deny', reason: 'banned' });
    expect(lines.join('\n')).toContain('client banned for flapping');
    // Another client id is not affected.
    expect(await auth.authenticate({ ...connect(), clientId: 'c2' })).toMatchObject({ decision: 'allow' });
    now += 4999;
    expect(await auth.authenticate(connect())).toEqual({ decision: 'deny', reason: 'banned' });
    expect((await auth.listBans()).map((b) => b.source)).toEqual(['flapping']);
    now += 1;
    expect(await auth.authenticate(connect())).toMatchObject({ decision: 'allow' });
  });

  it('does not count connects spread wider than the window', async () => {
    let now = 0;
    const config = authSchema.parse({ allowAnonymous: true, flapping: { maxConnects: 3, windowMs: 1000, banMs: 5000 } });
    const auth = new AuthService(config, silentLogger, { now: () => now });
    for (let i = 0; i < 10; i++) {
      expect(await auth.authenticate(connect())).toMatchObject({ decision: 'allow' });
      now += 600;
    }
  });
});

describe('AuthService chain order', () => {
  it('lets the configured order decide: users before anonymous, or anonymous first', async () => {
    const users = [{ username: 'alice', password: 'secret' }];
    const usersFirst = await service({ allowAnonymous: true, users });
    expect(await usersFirst.authenticate(connect('alice', 'wrong'))).toEqual({ decision: 'deny', reason: 'bad_credentials' });
    // anonymous ignores clients with a username, so the order only matters for providers that both decide
    const bannedLast = await service({ allowAnonymous: true, users, banned: [{ username: 'alice' }], chain: ['users', 'banned', 'anonymous'] });
    expect(await bannedLast.authenticate(connect('alice', 'secret'))).toEqual({ decision: 'allow', superuser: false });
    const bannedFirst = await service({ allowAnonymous: true, users, banned: [{ username: 'alice' }] });
    expect(await bannedFirst.authenticate(connect('alice', 'secret'))).toEqual({ decision: 'deny', reason: 'banned' });
  });

  it('refuses a chain that names a provider twice', () => {
    expect(() => authSchema.parse({ chain: ['users', 'users'] })).toThrow(/once/);
  });
});
