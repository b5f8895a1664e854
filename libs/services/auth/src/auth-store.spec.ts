import { authSchema } from '@mqp/config';
import type { AuthChangedEvent, AuthenticateRequest, AuthorizeRequest } from '@mqp/contracts';
import { silentLogger } from '@mqp/runtime';
import { MemoryAuthStore } from '@mqp/storage';
import { AuthService } from './auth.service';
import { hashPassword, type HashingOptions } from './passwords/password-hash';

type AuthInput = Parameters<typeof authSchema.parse>[0];

// Cheap hashes: these tests are about where users and rules come from, not about hashing cost.
const hashing: HashingOptions = { algorithm: 'argon2id', argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 }, pbkdf2Iterations: 1000 };

const services: AuthService[] = [];
afterEach(() => services.splice(0).forEach((s) => s.stop()));

function setup(auth: AuthInput = {}): { auth: AuthService; store: MemoryAuthStore; nextChange: () => Promise<AuthChangedEvent> } {
  const store = new MemoryAuthStore();
  const waiting: ((e: AuthChangedEvent) => void)[] = [];
  const service = new AuthService(authSchema.parse(auth), silentLogger, {
    hashing,
    store,
    storePollMs: 5,
    changed: (e) => waiting.shift()?.(e),
  });
  services.push(service);
  return { auth: service, store, nextChange: () => new Promise((resolve) => waiting.push(resolve)) };
}

const login = (username: string, password: string, extra: Partial<AuthenticateRequest> = {}): AuthenticateRequest => ({
  clientId: 'c1',
  remoteAddress: '10.0.0.1',
  protocolVersion: 5,
  username,
  password: Buffer.from(password),
  ...extra,
});
const publish = (topic: string, who: Partial<AuthorizeRequest> = {}): AuthorizeRequest => ({ clientId: 'c1', action: 'publish', topic, ...who });

describe('AuthService users and ACL from the AuthStore', () => {
  it('accepts a store user with the right password and refuses a wrong one', async () => {
    const { auth, store } = setup();
    await store.putUser({ username: 'dev', passwordHash: await hashPassword('secret', hashing), superuser: false });
    await auth.start();
    expect(await auth.authenticate(login('dev', 'secret'))).toEqual({ decision: 'allow', superuser: false });
    expect(await auth.authenticate(login('dev', 'wrong'))).toEqual({ decision: 'deny', reason: 'bad_credentials' });
    expect(await auth.authenticate(login('nobody', 'secret'))).toEqual({ decision: 'deny', reason: 'not_authorized' });
  });

  it('checks config users before store users of the same name', async () => {
    const { auth, store } = setup({ users: [{ username: 'dev', password: 'from-config' }] });
    await store.putUser({ username: 'dev', passwordHash: await hashPassword('from-store', hashing), superuser: true });
    await auth.start();
    expect(await auth.authenticate(login('dev', 'from-config'))).toEqual({ decision: 'allow', superuser: false });
    expect(await auth.authenticate(login('dev', 'from-store'))).toMatchObject({ decision: 'deny' });
  });

  it('gives a store superuser the superuser flag', async () => {
    const { auth, store } = setup();
    await store.putUser({ username: 'admin', passwordHash: await hashPassword('pw', hashing), superuser: true });
    await auth.start();
    expect(await auth.authenticate(login('admin', 'pw'))).toEqual({ decision: 'allow', superuser: true });
  });

  it('refuses anonymous loopback clients once the store has a user', async () => {
    const { auth, store, nextChange } = setup();
    const anonymous: AuthenticateRequest = { clientId: 'c1', remoteAddress: '127.0.0.1', protocolVersion: 4 };
    await auth.start();
    expect(await auth.authenticate(anonymous)).toMatchObject({ decision: 'allow' });
    const change = nextChange();
    await store.putUser({ username: 'dev', passwordHash: await hashPassword('pw', hashing), superuser: false });
    await change;
    expect(await auth.authenticate(anonymous)).toEqual({ decision: 'deny', reason: 'not_authorized' });
  });

  it('checks config rules before store rules, first match wins', async () => {
    const { auth, store } = setup({ acl: [{ permission: 'deny', action: 'publish', topics: ['a/secret'] }] });
    await store.setAcl([
      { permission: 'allow', action: 'publish', topics: ['a/#'] },
      { permission: 'deny', action: 'publish', topics: ['#'] },
    ]);
    await auth.start();
    expect(await auth.authorize(publish('a/secret'))).toEqual({ allow: false });
    expect(await auth.authorize(publish('a/open'))).toEqual({ allow: true });
    expect(await auth.authorize(publish('b'))).toEqual({ allow: false });
  });

  it('denies on no match when only the store has rules', async () => {
    const { auth, store } = setup();
    await store.setAcl([{ permission: 'allow', action: 'publish', topics: ['a/#'] }]);
    await auth.start();
    expect(await auth.authorize(publish('b'))).toEqual({ allow: false });
  });

  it('notices a store ACL change made while running and announces it to the gateways', async () => {
    const { auth, store, nextChange } = setup();
    await store.setAcl([{ permission: 'allow', action: 'all', topics: ['#'] }]);
    await auth.start();
    expect(await auth.authorize(publish('x'))).toEqual({ allow: true });
    const change = nextChange();
    await store.setAcl([
      { permission: 'deny', action: 'publish', topics: ['x'] },
      { permission: 'allow', action: 'all', topics: ['#'] },
    ]);
    expect(await change).toEqual({ kind: 'acl' });
    expect(await auth.authorize(publish('x'))).toEqual({ allow: false });
  });

  it('notices a removed user and announces a users change', async () => {
    const { auth, store, nextChange } = setup();
    await store.putUser({ username: 'dev', passwordHash: await hashPassword('pw', hashing), superuser: false });
    await auth.start();
    const change = nextChange();
    await store.deleteUser('dev');
    expect(await change).toEqual({ kind: 'users' });
    expect(await auth.authenticate(login('dev', 'pw'))).toEqual({ decision: 'deny', reason: 'not_authorized' });
  });

  it('denies everything a store rule could allow when a stored rule does not compile (fail closed)', async () => {
    // with aclNoMatch allow, only the deny-all replacement can refuse
    const { auth, store } = setup({ aclNoMatch: 'allow' });
    await store.setAcl([{ permission: 'allow', action: 'all', topics: ['#'], ipaddr: 'not-an-address' }]);
    await auth.start();
    expect(await auth.authorize(publish('x', { remoteAddress: '10.0.0.1' }))).toEqual({ allow: false });
  });

  it('keeps the last rules read while the store cannot be read', async () => {
    const { auth, store, nextChange } = setup();
    await store.setAcl([{ permission: 'allow', action: 'all', topics: ['#'] }]);
    await auth.start();
    const failing = jest.spyOn(store, 'revision').mockRejectedValue(new Error('store gone'));
    // a few polls fail
    while (failing.mock.calls.length < 3) await new Promise((r) => setImmediate(r));
    expect(await auth.authorize(publish('x'))).toEqual({ allow: true });
    failing.mockRestore();
    const change = nextChange();
    await store.setAcl([{ permission: 'deny', action: 'all', topics: ['#'] }]);
    await change;
    expect(await auth.authorize(publish('x'))).toEqual({ allow: false });
  });
});
