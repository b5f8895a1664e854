import { InProcessBus } from '@mqp/bus';
import type { OpenSessionRequest, SessionSubscription } from '@mqp/contracts';
import { silentLogger } from '@mqp/runtime';
import { MemorySessionStore, type PersistentSessionRecord } from '@mqp/storage';
import { SessionService } from './session.service';

const T0 = 1_700_000_000_000;

function openRequest(over: Partial<OpenSessionRequest> = {}): OpenSessionRequest {
  return { clientId: 'c1', gatewayId: 'gw-1', connectionId: 'conn-1', protocolVersion: 5, cleanStart: false, sessionExpiryInterval: 600, ...over };
}

/** A store whose writes wait until the test lets them through. */
class GatedStore extends MemorySessionStore {
  gated = false;
  private readonly waiting: Array<() => void> = [];
  override async put(record: PersistentSessionRecord): Promise<void> {
    if (this.gated) await new Promise<void>((resolve) => this.waiting.push(resolve));
    await super.put(record);
  }
  get pendingWrites(): number {
    return this.waiting.length;
  }
  release(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}

const full: SessionSubscription = { filter: 'a/#', qos: 1, noLocal: true, retainAsPublished: true, subscriptionId: 42 };

describe('SessionService subscribe / unsubscribe (subscriptions stored as granted)', () => {
  let bus: InProcessBus;
  let store: GatedStore;
  let sessions: SessionService;

  beforeEach(() => {
    bus = new InProcessBus({ logger: silentLogger });
    store = new GatedStore();
    sessions = new SessionService({ bus, store, logger: silentLogger, now: () => T0 });
  });

  afterEach(async () => {
    sessions.stop();
    await bus.close();
  });

  it('stores the subscriptions of a persistent session, with every option, before it resolves', async () => {
    await sessions.open(openRequest());
    store.gated = true;
    let resolved = false;
    const subscribing = sessions.subscribe({ clientId: 'c1', connectionId: 'conn-1', subscriptions: [full] }).then(() => {
      resolved = true;
    });
    while (store.pendingWrites === 0) await new Promise((r) => setImmediate(r));
    expect(resolved).toBe(false);
    store.release();
    await subscribing;
    expect((await store.get('c1'))?.subscriptions).toEqual([{ filter: 'a/#', qos: 1, noLocal: true, retainAsPublished: true, subscriptionId: 42 }]);
  });

  it('replaces a subscription of the same filter and keeps the others [MQTT-3.8.4-3]', async () => {
    await sessions.open(openRequest());
    await sessions.subscribe({ clientId: 'c1', connectionId: 'conn-1', subscriptions: [full, { filter: 'b', qos: 0, noLocal: false, retainAsPublished: false }] });
    await sessions.subscribe({ clientId: 'c1', connectionId: 'conn-1', subscriptions: [{ filter: 'a/#', qos: 2, noLocal: false, retainAsPublished: false }] });
    expect((await store.get('c1'))?.subscriptions).toEqual([{ filter: 'a/#', qos: 2 }, { filter: 'b', qos: 0 }]);
  });

  it('removes unsubscribed filters from the store before it resolves', async () => {
    await sessions.open(openRequest());
    await sessions.subscribe({ clientId: 'c1', connectionId: 'conn-1', subscriptions: [full, { filter: 'b', qos: 0, noLocal: false, retainAsPublished: false }] });
    store.gated = true;
    let resolved = false;
    const unsubscribing = sessions.unsubscribe({ clientId: 'c1', connectionId: 'conn-1', filters: ['a/#', 'never-subscribed'] }).then(() => {
      resolved = true;
    });
    while (store.pendingWrites === 0) await new Promise((r) => setImmediate(r));
    expect(resolved).toBe(false);
    store.release();
    await unsubscribing;
    expect((await store.get('c1'))?.subscriptions).toEqual([{ filter: 'b', qos: 0 }]);
  });

  it('gives the stored subscriptions, with their options, to the next connection when the hand-over never came (broker restarted)', async () => {
    await sessions.open(openRequest());
    await sessions.subscribe({ clientId: 'c1', connectionId: 'conn-1', subscriptions: [full] });
    // a new service on the same store: the first one died without suspend or close
    const restarted = new SessionService({ bus, store, logger: silentLogger, now: () => T0 + 1_000 });
    try {
      const result = await restarted.open(openRequest({ connectionId: 'conn-2' }));
      expect(result).toEqual({ sessionPresent: true, subscriptions: [full] });
    } finally {
      restarted.stop();
    }
  });

  it('ignores a session with expiry 0 (nothing is stored)', async () => {
    await sessions.open(openRequest({ sessionExpiryInterval: 0, cleanStart: true }));
    await expect(sessions.subscribe({ clientId: 'c1', connectionId: 'conn-1', subscriptions: [full] })).resolves.toBeUndefined();
    await expect(sessions.unsubscribe({ clientId: 'c1', connectionId: 'conn-1', filters: ['a/#'] })).resolves.toBeUndefined();
    expect(await store.get('c1')).toBeUndefined();
  });

  it('ignores a connection that does not own the client id (it was taken over)', async () => {
    await sessions.open(openRequest());
    await sessions.subscribe({ clientId: 'c1', connectionId: 'conn-1', subscriptions: [{ filter: 'kept', qos: 1, noLocal: false, retainAsPublished: false }] });
    await expect(sessions.subscribe({ clientId: 'c1', connectionId: 'conn-old', subscriptions: [full] })).resolves.toBeUndefined();
    await expect(sessions.unsubscribe({ clientId: 'c1', connectionId: 'conn-old', filters: ['kept'] })).resolves.toBeUndefined();
    expect((await store.get('c1'))?.subscriptions).toEqual([{ filter: 'kept', qos: 1 }]);
  });

  it('rejects a malformed request', async () => {
    await expect(sessions.subscribe({ clientId: 'c1', connectionId: 'conn-1', subscriptions: [{ filter: 'a', qos: 3 as never, noLocal: false, retainAsPublished: false }] })).rejects.toThrow(
      'QoS',
    );
    await expect(sessions.unsubscribe({ clientId: 'c1', connectionId: 'conn-1', filters: undefined as never })).rejects.toThrow('filters');
  });
});
