import { authSchema } from '@mqp/config';
import type { AuthChangedEvent, AuthenticateRequest } from '@mqp/contracts';
import { silentLogger } from '@mqp/runtime';
import { MemoryAuthStore } from '@mqp/storage';
import { AuthService } from '../auth.service';
import { BannedProvider } from './banned.provider';

const NO_FLAPPING = { enabled: false, maxConnects: 15, windowMs: 60_000, banMs: 300_000 };
const connect = (clientId: string, extra: Partial<AuthenticateRequest> = {}): AuthenticateRequest => ({
  clientId,
  remoteAddress: '10.0.0.1',
  protocolVersion: 5,
  ...extra,
});

describe('BannedProvider bans kept in the AuthStore', () => {
  let now = 1_000_000;
  const provider = (): BannedProvider => new BannedProvider([], NO_FLAPPING, silentLogger, () => now);

  it('refuses a client id, username or address banned in the store', async () => {
    const banned = provider();
    banned.replaceStoreBans([
      { kind: 'clientid', value: 'evil' },
      { kind: 'username', value: 'mallory' },
      { kind: 'ipaddr', value: '192.168.0.0/16' },
    ]);
    expect(await banned.authenticate(connect('evil'))).toMatchObject({ decision: 'deny', reason: 'banned' });
    expect(await banned.authenticate(connect('c1', { username: 'mallory' }))).toMatchObject({ decision: 'deny', reason: 'banned' });
    expect(await banned.authenticate(connect('c2', { remoteAddress: '192.168.4.5' }))).toMatchObject({ decision: 'deny', reason: 'banned' });
    expect(await banned.authenticate(connect('c3', { username: 'alice' }))).toEqual({ decision: 'ignore' });
  });

  it('replaces the store bans as a whole: a ban removed from the store no longer refuses', async () => {
    const banned = provider();
    banned.replaceStoreBans([{ kind: 'clientid', value: 'evil' }]);
    banned.replaceStoreBans([{ kind: 'clientid', value: 'other' }]);
    expect(await banned.authenticate(connect('evil'))).toEqual({ decision: 'ignore' });
    expect(await banned.authenticate(connect('other'))).toMatchObject({ decision: 'deny' });
  });

  it('answers only the bans that are new and in force, so live clients are not disconnected twice or for an expired ban', () => {
    const banned = provider();
    expect(banned.replaceStoreBans([{ kind: 'clientid', value: 'a' }, { kind: 'clientid', value: 'old', until: now - 1 }])).toEqual([{ kind: 'clientid', value: 'a' }]);
    expect(banned.replaceStoreBans([{ kind: 'clientid', value: 'a' }, { kind: 'username', value: 'b' }])).toEqual([{ kind: 'username', value: 'b' }]);
  });

  it('lets a store ban end at its until', async () => {
    const banned = provider();
    banned.replaceStoreBans([{ kind: 'clientid', value: 'evil', until: now + 1000 }]);
    expect(await banned.authenticate(connect('evil'))).toMatchObject({ decision: 'deny' });
    now += 1000;
    expect(await banned.authenticate(connect('evil'))).toEqual({ decision: 'ignore' });
    expect(banned.list()).toEqual([]);
  });

  it('skips an entry that cannot be a ban (a store written by hand) and keeps the others', async () => {
    const banned = provider();
    banned.replaceStoreBans([
      { kind: 'ipaddr', value: 'not-an-address/99' },
      { kind: 'clientid', value: '' },
      { kind: 'clientid', value: 'evil' },
    ]);
    expect(await banned.authenticate(connect('evil'))).toMatchObject({ decision: 'deny' });
    expect(banned.list()).toEqual([{ kind: 'clientid', value: 'evil', source: 'api' }]);
  });
});

describe('AuthService reads the bans of the AuthStore', () => {
  const services: AuthService[] = [];
  afterEach(() => services.splice(0).forEach((s) => s.stop()));

  function setup(): { auth: AuthService; store: MemoryAuthStore; nextChange: () => Promise<AuthChangedEvent> } {
    const store = new MemoryAuthStore();
    const waiting: ((e: AuthChangedEvent) => void)[] = [];
    const auth = new AuthService(authSchema.parse({ allowAnonymous: true }), silentLogger, { store, storePollMs: 5, changed: (e) => waiting.shift()?.(e) });
    services.push(auth);
    return { auth, store, nextChange: () => new Promise((resolve) => waiting.push(resolve)) };
  }

  it('refuses a client banned in the store before start (mqp data import) with banned', async () => {
    const { auth, store } = setup();
    await store.putBan({ kind: 'clientid', value: 'imported' });
    await auth.start();
    expect(await auth.authenticate(connect('imported'))).toEqual({ decision: 'deny', reason: 'banned' });
    expect(await auth.authenticate(connect('someone-else'))).toEqual({ decision: 'allow', superuser: false });
    expect(await auth.listBans()).toEqual([{ kind: 'clientid', value: 'imported', source: 'api' }]);
  });

  it('picks up a ban written while running when the store revision moves, and announces it so gateways disconnect the client', async () => {
    const { auth, store, nextChange } = setup();
    await auth.start();
    expect(await auth.authenticate(connect('later'))).toEqual({ decision: 'allow', superuser: false });
    const change = nextChange();
    await store.putBan({ kind: 'clientid', value: 'later', reason: 'imported' });
    expect(await change).toEqual({ kind: 'ban', ban: { kind: 'clientid', value: 'later' } });
    expect(await auth.authenticate(connect('later'))).toEqual({ decision: 'deny', reason: 'banned' });

    const removed = nextChange();
    await store.deleteBan('clientid', 'later');
    await store.setAcl([{ permission: 'allow', action: 'all', topics: ['#'] }]); // any write: the next event proves the poll ran
    expect(await removed).toEqual({ kind: 'acl' });
    expect(await auth.authenticate(connect('later'))).toEqual({ decision: 'allow', superuser: false });
  });
});
