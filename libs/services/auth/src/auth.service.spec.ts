import { authSchema } from '@mqp/config';
import type { AuthorizeRequest } from '@mqp/contracts';
import { createLogger, silentLogger } from '@mqp/runtime';
import { AuthService } from './auth.service';

type AuthInput = Parameters<typeof authSchema.parse>[0];

async function service(auth: AuthInput, logger = silentLogger): Promise<AuthService> {
  const s = new AuthService(authSchema.parse(auth), logger, { pbkdf2Iterations: 1000 });
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

  it('waits for password hashing when authenticate comes before start, at the default iteration count', async () => {
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
    expect(await auth.authorize(sub('$SYS/#', { username: 'alice' }))).toEqual({ allow: false });
    expect(await auth.authorize(sub('$SYS/broker/+'))).toEqual({ allow: false });
    expect(await auth.authorize(sub('$share/g/$SYS/#'))).toEqual({ allow: false });
    expect(await auth.authorize(pub('$SYS/broker/uptime', { username: 'alice' }))).toEqual({ allow: false });
    expect(await auth.authorize(sub('$SYS/#', { username: 'root' }))).toEqual({ allow: true });
  });

  it('lets superusers bypass the ACL', async () => {
    const auth = await service({
      users: [{ username: 'root', password: 'r', superuser: true }],
      acl: [{ permission: 'deny', action: 'all', topics: ['#'] }],
    });
    expect(await auth.authorize(pub('x', { username: 'root' }))).toEqual({ allow: true });
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

  it('treats an ipaddr rule fail-closed until requests carry the address: deny applies, allow does not', async () => {
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
