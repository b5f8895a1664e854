import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessBus, type Bus, type BusHandler, type BusSubscription } from '@mqp/bus';
import { decodeMessage, encodeMessage, subjects, type OpenSessionRequest } from '@mqp/contracts';
import type { Message, QoS } from '@mqp/model';
import { MetricsRegistry, silentLogger } from '@mqp/runtime';
import { MemoryLeaseStore, MemoryQueueStore, MemorySessionStore, openEmbeddedStore, type Stores } from '@mqp/storage';
import { SessionService, type SessionServiceDeps } from './session.service';

const T0 = 1_700_000_000_000;
const A_SUB = { filter: 'a/#', qos: 2 as QoS, noLocal: false, retainAsPublished: false };

function openRequest(over: Partial<OpenSessionRequest> = {}): OpenSessionRequest {
  return { clientId: 'c1', gatewayId: 'gw-1', connectionId: 'conn-1', protocolVersion: 5, cleanStart: false, sessionExpiryInterval: 60, ...over };
}

function message(id: string, topic = 'a/x', qos: QoS = 1, payload = id): Message {
  return { id, topic, payload: Buffer.from(payload), qos, retain: false, origin: { clientId: 'pub', gatewayId: 'gw-2' }, createdAt: T0 };
}

async function waitFor(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((r) => setTimeout(r, 5));
}

/** A bus view that can be cut off, as if its process died: its subscriptions stop receiving. */
class CuttableBus implements Bus {
  private readonly subs: BusSubscription[] = [];
  constructor(private readonly inner: Bus) {}
  publish(subject: string, data: Uint8Array): void {
    this.inner.publish(subject, data);
  }
  subscribe(subject: string, handler: BusHandler): BusSubscription {
    const sub = this.inner.subscribe(subject, handler);
    this.subs.push(sub);
    return sub;
  }
  flush(): Promise<void> {
    return this.inner.flush();
  }
  settle(): Promise<void> {
    return this.inner.settle();
  }
  state(): ReturnType<Bus['state']> {
    return this.inner.state();
  }
  onStateChange(): void {}
  async close(): Promise<void> {}
  cut(): void {
    for (const s of this.subs.splice(0)) s.unsubscribe();
  }
}

describe('SessionService on the store: a new instance over the same store restores every persistent session', () => {
  let bus: InProcessBus;
  let now: number;
  let sessionStore: MemorySessionStore;
  let queues: MemoryQueueStore;
  let metrics: MetricsRegistry;
  const services: SessionService[] = [];

  async function startService(over: Partial<SessionServiceDeps> = {}): Promise<SessionService> {
    const s = new SessionService({ bus, store: sessionStore, queues, logger: silentLogger, now: () => now, metrics, sweepIntervalMs: 10, ...over });
    services.push(s);
    await s.start();
    return s;
  }

  function publish(m: Message): void {
    bus.publish(subjects.message(m.topic), encodeMessage(m));
  }

  /** c1 connected on conn-1 with `a/#`, then went away (suspend + close with `handOver` and `will`). */
  async function disconnected(s: SessionService, close: Partial<Parameters<SessionService['close']>[0]> = {}): Promise<void> {
    await s.open(openRequest());
    await s.subscribe({ clientId: 'c1', connectionId: 'conn-1', subscriptions: [A_SUB] });
    await s.suspend({ clientId: 'c1', connectionId: 'conn-1', subscriptions: [A_SUB] });
    await s.close({ clientId: 'c1', connectionId: 'conn-1', ...close });
  }

  beforeEach(() => {
    bus = new InProcessBus({ logger: silentLogger });
    now = T0;
    sessionStore = new MemorySessionStore();
    queues = new MemoryQueueStore();
    metrics = new MetricsRegistry();
  });

  afterEach(async () => {
    for (const s of services.splice(0)) await s.stop();
    await bus.close();
  });

  it('keeps each captured message in the queue store, one append per message, nothing in memory only', async () => {
    const s = await startService();
    await disconnected(s);
    publish(message('m1'));
    publish(message('m2', 'a/y', 2));
    publish(message('other', 'b', 1));
    await waitFor(async () => (await queues.stats('c1')).count === 2);
    expect((await queues.list('c1')).map((e) => [e.message.id, e.qos])).toEqual([
      ['m1', 1],
      ['m2', 2],
    ]);
    expect(metrics.render()).toMatch(/mqp_session_queue_stored_total 2/);
  });

  it('restores queue, inflight (packet ids, released), unsent, awaiting PUBREL and subscriptions after a restart, in order and once each', async () => {
    const first = await startService();
    await first.open(openRequest());
    await first.suspend({ clientId: 'c1', connectionId: 'conn-1', subscriptions: [A_SUB] });
    publish(message('m3'));
    publish(message('m2')); // also in the connection's own unsent queue: kept once
    await waitFor(async () => (await queues.stats('c1')).count === 2);
    await first.close({
      clientId: 'c1',
      connectionId: 'conn-1',
      handOver: {
        inflight: [
          { message: message('m0', 'a/x', 2), qos: 2, packetId: 7, released: true },
          { message: message('m1', 'a/x', 1), qos: 1, packetId: 8 },
        ],
        queued: [{ message: message('m2'), qos: 1 }],
        awaitingRel: [4, 4, 5],
      },
    });
    await first.stop();

    const second = await startService();
    publish(message('m4')); // captured by the restarted instance from the stored subscriptions
    await waitFor(async () => (await queues.stats('c1')).count === 3);
    const opened = await second.open(openRequest({ connectionId: 'conn-2' }));
    expect(opened).toMatchObject({ sessionPresent: true, subscriptions: [{ filter: 'a/#', qos: 2 }] });
    const held = await second.resume({ clientId: 'c1', connectionId: 'conn-2' });
    expect(held.inflight).toEqual([
      { message: expect.objectContaining({ id: 'm0' }), qos: 2, packetId: 7, released: true },
      { message: expect.objectContaining({ id: 'm1' }), qos: 1, packetId: 8 },
    ]);
    expect(held.queued.map((m) => m.message.id)).toEqual(['m2', 'm3', 'm4']);
    expect(held.awaitingRel).toEqual([4, 5]);
    // handed over: the store no longer holds them
    expect(await queues.stats('c1')).toEqual({ count: 0, bytes: 0 });
    expect((await sessionStore.get('c1'))?.inflight).toBeUndefined();
  });

  it('treats a session whose connection died with the process (standalone) as offline from the restart: captured, expiring', async () => {
    const first = await startService();
    await first.open(openRequest());
    await first.subscribe({ clientId: 'c1', connectionId: 'conn-1', subscriptions: [A_SUB] });
    // killed while connected: no suspend, no close
    services.splice(0);
    await first.stop();

    const second = await startService();
    publish(message('m1'));
    await waitFor(async () => (await queues.stats('c1')).count === 1);
    expect((await sessionStore.get('c1'))?.connection).toBeUndefined();
    now = T0 + 61_000;
    await waitFor(async () => (await sessionStore.list()).length === 0);
    expect(second.heldCount).toBe(0);
  });

  it('restores a session whose connection outlives the restart (split mode) as live: its later close hands over as usual', async () => {
    const first = await startService({ connectionsOutliveRestart: true });
    await first.open(openRequest());
    await first.subscribe({ clientId: 'c1', connectionId: 'conn-1', subscriptions: [A_SUB] });
    await first.stop();

    const second = await startService({ connectionsOutliveRestart: true });
    expect((await second.list()).map((s) => s.connectionId)).toEqual(['conn-1']);
    await second.suspend({ clientId: 'c1', connectionId: 'conn-1', subscriptions: [A_SUB] });
    await second.close({ clientId: 'c1', connectionId: 'conn-1', handOver: { inflight: [], queued: [{ message: message('m1'), qos: 1 }], awaitingRel: [] } });
    await second.open(openRequest({ connectionId: 'conn-2' }));
    expect((await second.resume({ clientId: 'c1', connectionId: 'conn-2' })).queued.map((m) => m.message.id)).toEqual(['m1']);
  });

  describe('will delay across a restart [MQTT-3.1.3-9]', () => {
    let wills: string[];

    beforeEach(() => {
      wills = [];
      bus.subscribe(subjects.message('w'), (m) => wills.push(decodeMessage(m.data).id));
    });

    it('publishes right after start a will that fell due while the service was down', async () => {
      const first = await startService();
      await disconnected(first, { will: { message: message('will-1', 'w'), delaySeconds: 5 } });
      expect((await sessionStore.get('c1'))?.will?.dueAt).toBe(T0 + 5_000);
      await first.stop();

      now = T0 + 10_000;
      await startService();
      await waitFor(() => wills.length === 1);
      expect(wills).toEqual(['will-1']);
      await waitFor(async () => (await sessionStore.get('c1'))?.will === undefined);
      // the session itself lives on until its expiry
      expect(await sessionStore.get('c1')).toBeDefined();
    });

    it('keeps waiting after start for a will not yet due, and drops it when the client comes back first', async () => {
      const first = await startService();
      await disconnected(first, { will: { message: message('will-1', 'w'), delaySeconds: 30 } });
      await first.stop();

      now = T0 + 10_000;
      const second = await startService();
      await new Promise((r) => setTimeout(r, 50)); // several sweeps (every 10 ms) pass without publishing it
      expect(wills).toEqual([]);
      now = T0 + 31_000;
      await waitFor(() => wills.length === 1);

      await second.open(openRequest({ connectionId: 'conn-2' }));
      await second.suspend({ clientId: 'c1', connectionId: 'conn-2', subscriptions: [A_SUB] });
      await second.close({ clientId: 'c1', connectionId: 'conn-2', will: { message: message('will-2', 'w'), delaySeconds: 30 } });
      await second.stop();
      now = T0 + 40_000;
      const third = await startService();
      await third.open(openRequest({ connectionId: 'conn-3' }));
      now = T0 + 100_000;
      await new Promise((r) => setTimeout(r, 50));
      expect(wills).toEqual(['will-1']);
      expect((await sessionStore.get('c1'))?.will).toBeUndefined();
    });
  });

  describe('queue limits', () => {
    it('drops the oldest beyond session.maxQueuedMessages and counts them in mqp_session_queue_dropped_total', async () => {
      const s = await startService({ queueLimits: { maxMessages: 3, maxBytes: 1_000_000 } });
      await disconnected(s);
      for (let i = 1; i <= 5; i++) publish(message(`m${i}`));
      await waitFor(() => /mqp_session_queue_dropped_total 2/.test(metrics.render()));
      expect((await queues.list('c1')).map((e) => e.message.id)).toEqual(['m3', 'm4', 'm5']);
    });

    it('drops the oldest beyond session.maxQueuedBytes (payload bytes), counting the unsent messages handed back', async () => {
      const s = await startService({ queueLimits: { maxMessages: 100, maxBytes: 10 } });
      await disconnected(s, { handOver: { inflight: [], queued: [{ message: message('p', 'a/x', 1, 'pppp'), qos: 1 }], awaitingRel: [] } });
      publish(message('m1', 'a/x', 1, 'aaa'));
      publish(message('m2', 'a/x', 1, 'bbb'));
      publish(message('m3', 'a/x', 1, 'ccc'));
      await waitFor(() => /mqp_session_queue_dropped_total 1/.test(metrics.render()));
      expect(await queues.stats('c1')).toEqual({ count: 2, bytes: 6 });
      await s.open(openRequest({ connectionId: 'conn-2' }));
      expect((await s.resume({ clientId: 'c1', connectionId: 'conn-2' })).queued.map((m) => m.message.id)).toEqual(['p', 'm2', 'm3']);
    });
  });

  describe('expiry leaves nothing behind', () => {
    it('removes the record, the queue and the capture of an expired session', async () => {
      const s = await startService();
      await disconnected(s, { will: { message: message('will-1', 'w'), delaySeconds: 600 } });
      publish(message('m1'));
      await waitFor(async () => (await queues.stats('c1')).count === 1);
      now = T0 + 61_000;
      await waitFor(async () => (await sessionStore.list()).length === 0);
      expect(await queues.stats('c1')).toEqual({ count: 0, bytes: 0 });
      expect(await queues.list('c1')).toEqual([]);
      expect(s.heldCount).toBe(0);
      publish(message('m2'));
      await bus.flush();
      expect(await queues.stats('c1')).toEqual({ count: 0, bytes: 0 });
    });

    it('removes at start a session that expired while the service was down, publishing its will', async () => {
      const wills: string[] = [];
      bus.subscribe(subjects.message('w'), (m) => wills.push(decodeMessage(m.data).id));
      const first = await startService();
      await disconnected(first, { will: { message: message('will-1', 'w'), delaySeconds: 600 } });
      publish(message('m1'));
      await waitFor(async () => (await queues.stats('c1')).count === 1);
      await first.stop();
      now = T0 + 3_600_000;
      await startService();
      expect(await sessionStore.list()).toEqual([]);
      expect(await queues.stats('c1')).toEqual({ count: 0, bytes: 0 });
      expect(wills).toEqual(['will-1']);
    });

    it('removes the record and queue when a session with expiry 0 ends, and on clean start', async () => {
      const s = await startService();
      await disconnected(s);
      publish(message('m1'));
      await waitFor(async () => (await queues.stats('c1')).count === 1);
      await s.open(openRequest({ connectionId: 'conn-2', cleanStart: true, sessionExpiryInterval: 0 }));
      expect(await queues.stats('c1')).toEqual({ count: 0, bytes: 0 });
      await s.close({ clientId: 'c1', connectionId: 'conn-2' });
      expect(await sessionStore.list()).toEqual([]);
    });
  });

  describe('capture ownership by leases', () => {
    let leaseNow: number;
    let leases: MemoryLeaseStore;

    beforeEach(() => {
      leaseNow = T0;
      leases = new MemoryLeaseStore(() => leaseNow);
    });

    it('captures on one instance only, and a second instance takes the capture over when the first dies', async () => {
      const deadBus = new CuttableBus(bus);
      const a = await startService({ bus: deadBus, leases, instanceId: 'a', leaseTtlMs: 30, connectionsOutliveRestart: true });
      await disconnected(a);
      const b = await startService({ leases, instanceId: 'b', leaseTtlMs: 30, connectionsOutliveRestart: true });
      expect(await leases.holder('session-capture/c1')).toBe('a');
      expect(b.heldCount).toBe(0);
      publish(message('m1'));
      await waitFor(async () => (await queues.stats('c1')).count === 1);

      // a dies: its capture stops and its lease is no longer renewed
      deadBus.cut();
      services.splice(services.indexOf(a), 1);
      await a.stop().catch(() => undefined);
      await leases.acquire('session-capture/c1', 'a', 30); // as if its last renewal happened just before dying
      leaseNow += 31;
      await waitFor(() => b.heldCount === 1);
      expect(await leases.holder('session-capture/c1')).toBe('b');

      publish(message('m2'));
      publish(message('m1')); // a duplicate of one the first instance captured: removed by message id
      await waitFor(async () => (await queues.stats('c1')).count === 2);
      await b.open(openRequest({ connectionId: 'conn-2' }));
      expect((await b.resume({ clientId: 'c1', connectionId: 'conn-2' })).queued.map((m) => m.message.id)).toEqual(['m1', 'm2']);
      expect(await leases.holder('session-capture/c1')).toBeUndefined();
    });

    it('stops capturing on an instance that lost its lease to another', async () => {
      const a = await startService({ leases, instanceId: 'a', leaseTtlMs: 30 });
      await disconnected(a);
      expect(a.heldCount).toBe(1);
      leaseNow += 31;
      await leases.acquire('session-capture/c1', 'intruder', 60_000);
      await waitFor(() => a.heldCount === 0);
    });
  });
});

describe('SessionService on the embedded store: restart over the same directory', () => {
  let dir: string;
  let bus: InProcessBus;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mqp-session-'));
    bus = new InProcessBus({ logger: silentLogger });
  });

  afterEach(async () => {
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(): Promise<{ stores: Stores; service: SessionService }> {
    const stores = await openEmbeddedStore(dir);
    const service = new SessionService({ bus, store: stores.sessions, queues: stores.queues, logger: silentLogger, queueLimits: { maxMessages: 20_000, maxBytes: 10 * 1024 * 1024 } });
    await service.start();
    return { stores, service };
  }

  it('gets back 10,000 captured messages (limit raised to 20,000) in order after close and reopen', async () => {
    const first = await open();
    await first.service.open(openRequest());
    await first.service.suspend({ clientId: 'c1', connectionId: 'conn-1', subscriptions: [A_SUB] });
    await first.service.close({ clientId: 'c1', connectionId: 'conn-1' });
    const ids = Array.from({ length: 10_000 }, (_, i) => `m${i}`);
    for (const id of ids) bus.publish(subjects.message('a/x'), encodeMessage(message(id)));
    await bus.flush(); // every message delivered to the capture
    await first.service.stop(); // resolves once every capture is committed
    await first.stores.close();

    const second = await open();
    try {
      const opened = await second.service.open(openRequest({ connectionId: 'conn-2' }));
      expect(opened.sessionPresent).toBe(true);
      const held = await second.service.resume({ clientId: 'c1', connectionId: 'conn-2' });
      expect(held.queued.map((m) => m.message.id)).toEqual(ids);
    } finally {
      await second.service.stop();
      await second.stores.close();
    }
  });
});
