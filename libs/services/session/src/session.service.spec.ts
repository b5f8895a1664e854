import { InProcessBus } from '@mqp/bus';
import { decodeGatewayCommand, subjects, type GatewayCommand, type OpenSessionRequest } from '@mqp/contracts';
import { silentLogger } from '@mqp/runtime';
import { MemorySessionStore, type PersistentSessionRecord, type SessionStore } from '@mqp/storage';
import { SessionService } from './session.service';

const T0 = 1_700_000_000_000;

function openRequest(over: Partial<OpenSessionRequest> = {}): OpenSessionRequest {
  return { clientId: 'c1', gatewayId: 'gw-1', connectionId: 'conn-1', protocolVersion: 5, cleanStart: true, sessionExpiryInterval: 0, ...over };
}

describe('SessionService', () => {
  let bus: InProcessBus;
  let store: MemorySessionStore;
  let now: number;
  let sessions: SessionService;
  let kicks: { gatewayId: string; command: GatewayCommand }[];

  /** Records every kick sent to the given gateways, as a gateway subscribed to its control subject would see it. */
  function listenForKicks(...gatewayIds: string[]): void {
    for (const gatewayId of gatewayIds) {
      bus.subscribe(subjects.gatewayControl(gatewayId), (m) => kicks.push({ gatewayId, command: decodeGatewayCommand(m.data) }));
    }
  }

  beforeEach(() => {
    bus = new InProcessBus({ logger: silentLogger });
    store = new MemorySessionStore();
    now = T0;
    sessions = new SessionService({ bus, store, logger: silentLogger, now: () => now });
    kicks = [];
  });

  afterEach(async () => {
    await bus.close();
  });

  it('registers a live client id and lists it', async () => {
    expect(await sessions.open(openRequest())).toEqual({ sessionPresent: false });
    expect(await sessions.list()).toEqual([{ clientId: 'c1', gatewayId: 'gw-1', connectionId: 'conn-1', protocolVersion: 5, connectedAt: T0 }]);
  });

  it('kicks the existing connection of a client id with 0x8E when it connects again elsewhere [MQTT-3.1.4-2]', async () => {
    listenForKicks('gw-1', 'gw-2');
    await sessions.open(openRequest());
    const result = await sessions.open(openRequest({ gatewayId: 'gw-2', connectionId: 'conn-2' }));
    await bus.flush();
    expect(result.takenOver).toEqual({ gatewayId: 'gw-1', connectionId: 'conn-1' });
    expect(kicks).toEqual([{ gatewayId: 'gw-1', command: { kind: 'kick', clientId: 'c1', connectionId: 'conn-1', reasonCode: 0x8e } }]);
    expect((await sessions.list()).map((s) => s.connectionId)).toEqual(['conn-2']);
  });

  it('kicks the existing connection on the same gateway too [MQTT-3.1.4-2]', async () => {
    listenForKicks('gw-1');
    await sessions.open(openRequest());
    const result = await sessions.open(openRequest({ connectionId: 'conn-2' }));
    await bus.flush();
    expect(result.takenOver).toEqual({ gatewayId: 'gw-1', connectionId: 'conn-1' });
    expect(kicks.map((k) => k.command.connectionId)).toEqual(['conn-1']);
  });

  it('does not treat the same connection opening again as a takeover', async () => {
    listenForKicks('gw-1');
    await sessions.open(openRequest());
    expect(await sessions.open(openRequest())).toEqual({ sessionPresent: false });
    await bus.flush();
    expect(kicks).toEqual([]);
  });

  it('keeps the successor when the taken-over connection closes late', async () => {
    await sessions.open(openRequest());
    await sessions.open(openRequest({ gatewayId: 'gw-2', connectionId: 'conn-2' }));
    await sessions.close({ clientId: 'c1', connectionId: 'conn-1' });
    expect((await sessions.list()).map((s) => s.connectionId)).toEqual(['conn-2']);
    await sessions.close({ clientId: 'c1', connectionId: 'conn-2' });
    expect(await sessions.list()).toEqual([]);
  });

  it('ends racing opens of one client id with exactly one owner, the later call, and kicks the earlier', async () => {
    listenForKicks('gw-1', 'gw-2', 'gw-3');
    const results = await Promise.all([
      sessions.open(openRequest({ gatewayId: 'gw-1', connectionId: 'a' })),
      sessions.open(openRequest({ gatewayId: 'gw-2', connectionId: 'b' })),
      sessions.open(openRequest({ gatewayId: 'gw-3', connectionId: 'c' })),
    ]);
    await bus.flush();
    expect(results.map((r) => r.takenOver?.connectionId)).toEqual([undefined, 'a', 'b']);
    expect((await sessions.list()).map((s) => s.connectionId)).toEqual(['c']);
    expect(kicks.map((k) => [k.gatewayId, k.command.connectionId])).toEqual([
      ['gw-1', 'a'],
      ['gw-2', 'b'],
    ]);
  });

  it('serializes racing opens even when the store is slow', async () => {
    const slow = slowStore(store);
    sessions = new SessionService({ bus, store: slow, logger: silentLogger });
    const [first, second] = await Promise.all([
      sessions.open(openRequest({ connectionId: 'a', cleanStart: false, sessionExpiryInterval: 60 })),
      sessions.open(openRequest({ connectionId: 'b', cleanStart: false, sessionExpiryInterval: 60 })),
    ]);
    expect(first.takenOver).toBeUndefined();
    expect(second.takenOver).toEqual({ gatewayId: 'gw-1', connectionId: 'a' });
    // The second saw the session the first stored.
    expect(second.sessionPresent).toBe(true);
    expect((await sessions.list()).map((s) => s.connectionId)).toEqual(['b']);
  });

  it('drops every live entry of a reset gateway and keeps the others', async () => {
    await sessions.open(openRequest({ clientId: 'c1', gatewayId: 'gw-1' }));
    await sessions.open(openRequest({ clientId: 'c2', gatewayId: 'gw-1', connectionId: 'conn-2' }));
    await sessions.open(openRequest({ clientId: 'c3', gatewayId: 'gw-2', connectionId: 'conn-3' }));
    await sessions.resetGateway({ gatewayId: 'gw-1' });
    expect((await sessions.list()).map((s) => s.clientId)).toEqual(['c3']);
  });

  it('handles client ids named like Object.prototype members', async () => {
    await sessions.open(openRequest({ clientId: '__proto__' }));
    await sessions.open(openRequest({ clientId: 'constructor', connectionId: 'conn-2' }));
    expect((await sessions.list()).map((s) => s.clientId)).toEqual(['__proto__', 'constructor']);
  });

  describe('session present', () => {
    it('is false for a new client id with clean start false', async () => {
      expect(await sessions.open(openRequest({ cleanStart: false, sessionExpiryInterval: 60 }))).toEqual({ sessionPresent: false });
    });

    it('is true when clean start is false and a persistent session is stored [MQTT-3.2.2-3]', async () => {
      await sessions.open(openRequest({ cleanStart: false, sessionExpiryInterval: 60 }));
      await sessions.close({ clientId: 'c1', connectionId: 'conn-1' });
      now += 30_000;
      const result = await sessions.open(openRequest({ connectionId: 'conn-2', cleanStart: false, sessionExpiryInterval: 60 }));
      expect(result.sessionPresent).toBe(true);
    });

    it('is false after the stored session expired, and the expired record is gone', async () => {
      await sessions.open(openRequest({ cleanStart: false, sessionExpiryInterval: 60 }));
      await sessions.close({ clientId: 'c1', connectionId: 'conn-1' });
      now += 60_000;
      const result = await sessions.open(openRequest({ connectionId: 'conn-2', cleanStart: false, sessionExpiryInterval: 0 }));
      expect(result.sessionPresent).toBe(false);
      expect(await store.get('c1')).toBeUndefined();
    });

    it('counts expiry from the disconnect, not the connect', async () => {
      await sessions.open(openRequest({ cleanStart: false, sessionExpiryInterval: 60 }));
      now += 3_600_000;
      await sessions.close({ clientId: 'c1', connectionId: 'conn-1' });
      now += 30_000;
      expect((await sessions.open(openRequest({ connectionId: 'conn-2', cleanStart: false, sessionExpiryInterval: 60 }))).sessionPresent).toBe(true);
    });

    it('is false with clean start, which discards the stored session [MQTT-3.1.2-4]', async () => {
      await store.put(record('c1', 3600));
      const result = await sessions.open(openRequest({ cleanStart: true, sessionExpiryInterval: 0 }));
      expect(result.sessionPresent).toBe(false);
      expect(await store.get('c1')).toBeUndefined();
    });

    it('keeps the stored subscriptions of a resumed session, marked as held by its connection', async () => {
      await store.put(record('c1', 3600));
      await sessions.open(openRequest({ cleanStart: false, sessionExpiryInterval: 120 }));
      expect(await store.get('c1')).toEqual({ ...record('c1', 120), updatedAt: T0, connection: { gatewayId: 'gw-1', connectionId: 'conn-1' } });
    });

    it('does not store a session with expiry 0, and removes the old one when that connection closes', async () => {
      await store.put(record('c1', 3600));
      const result = await sessions.open(openRequest({ cleanStart: false, sessionExpiryInterval: 0 }));
      expect(result.sessionPresent).toBe(true);
      await sessions.close({ clientId: 'c1', connectionId: 'conn-1' });
      expect(await store.get('c1')).toBeUndefined();
    });

    it('is true on takeover of a live persistent session even past its expiry interval', async () => {
      await sessions.open(openRequest({ cleanStart: false, sessionExpiryInterval: 10 }));
      now += 3_600_000;
      const result = await sessions.open(openRequest({ connectionId: 'conn-2', cleanStart: false, sessionExpiryInterval: 10 }));
      expect(result.sessionPresent).toBe(true);
    });
  });

  it('refuses an open request without a connection id', async () => {
    await expect(sessions.open(openRequest({ connectionId: '' }))).rejects.toThrow('must not be empty');
  });
});

function record(clientId: string, expiryInterval: number): PersistentSessionRecord {
  return { clientId, protocolVersion: 5, expiryInterval, subscriptions: [{ filter: 'a/#', qos: 1 }], updatedAt: T0 - 1000 };
}

/** A store whose every call takes a few event-loop turns, to let racing calls interleave if they could. */
function slowStore(inner: SessionStore): SessionStore {
  const later = <T>(fn: () => Promise<T>): Promise<T> => new Promise((resolve) => setTimeout(resolve, 5)).then(fn);
  return {
    get: (id) => later(() => inner.get(id)),
    put: (r) => later(() => inner.put(r)),
    delete: (id) => later(() => inner.delete(id)),
    list: () => later(() => inner.list()),
  };
}
