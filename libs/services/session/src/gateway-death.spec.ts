import { InProcessBus, type Bus, type BusHandler, type BusState } from '@mqp/bus';
import { decodeGatewayCommand, decodeMessage, encodeGatewayHeartbeat, encodeMessage, subjects, type GatewayCommand, type OpenSessionRequest, type SessionWill } from '@mqp/contracts';
import type { Message, QoS } from '@mqp/model';
import { silentLogger } from '@mqp/runtime';
import { MemoryLeaseStore, MemoryQueueStore, MemorySessionStore } from '@mqp/storage';
import { SessionService, type SessionServiceDeps } from './session.service';

const T0 = 1_700_000_000_000;
const INTERVAL = 1_000;
const A_SUB = { filter: 'a/#', qos: 1 as QoS, noLocal: false, retainAsPublished: false };

function message(id: string, topic: string, qos: QoS = 1): Message {
  return { id, topic, payload: Buffer.from(id), qos, retain: false, origin: { clientId: 'pub', gatewayId: 'gw-2' }, createdAt: T0 };
}

function will(delaySeconds: number, topic = 'will/c1'): SessionWill {
  return { message: { ...message('will-c1', topic), origin: { clientId: 'c1', gatewayId: 'gw-1' } }, delaySeconds };
}

function openRequest(over: Partial<OpenSessionRequest> = {}): OpenSessionRequest {
  return { clientId: 'c1', gatewayId: 'gw-1', connectionId: 'conn-1', protocolVersion: 5, cleanStart: true, sessionExpiryInterval: 0, gatewayStartedAt: T0, ...over };
}

async function waitFor(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((r) => setTimeout(r, 5));
}

/** A real in-process bus whose connection state a test can change (as a NATS client's during a server restart). */
class StatefulBus implements Bus {
  private current: BusState = 'connected';
  private readonly listeners: ((s: BusState) => void)[] = [];
  constructor(private readonly inner: InProcessBus) {}
  publish(subject: string, data: Uint8Array): void {
    this.inner.publish(subject, data);
  }
  subscribe(subject: string, handler: BusHandler): ReturnType<Bus['subscribe']> {
    return this.inner.subscribe(subject, handler);
  }
  flush(): Promise<void> {
    return this.inner.flush();
  }
  settle(): Promise<void> {
    return this.inner.settle();
  }
  state(): BusState {
    return this.current;
  }
  onStateChange(listener: (s: BusState) => void): void {
    this.listeners.push(listener);
  }
  async close(): Promise<void> {}
  set(state: BusState): void {
    this.current = state;
    for (const l of this.listeners) l(state);
  }
}

describe('SessionService: the connections of a gateway that dies end without DISCONNECT', () => {
  let inner: InProcessBus;
  let bus: StatefulBus;
  let now: number;
  let store: MemorySessionStore;
  let queues: MemoryQueueStore;
  let wills: Message[];
  const services: SessionService[] = [];

  async function startService(over: Partial<SessionServiceDeps> = {}): Promise<SessionService> {
    const s = new SessionService({
      bus,
      store,
      queues,
      logger: silentLogger,
      now: () => now,
      sweepIntervalMs: 5,
      gatewayLiveness: { intervalMs: INTERVAL, checkEveryMs: 5 },
      ...over,
    });
    services.push(s);
    await s.start();
    return s;
  }

  function beat(gatewayId: string, startedAt = T0): void {
    bus.publish(subjects.gatewayHeartbeat, encodeGatewayHeartbeat({ gatewayId, startedAt, intervalMs: INTERVAL }));
  }

  /** Lets the service's timers (real, a few ms) run a few rounds at the current fake time. */
  async function ticks(): Promise<void> {
    await new Promise((r) => setTimeout(r, 40));
  }

  beforeEach(() => {
    inner = new InProcessBus({ logger: silentLogger });
    bus = new StatefulBus(inner);
    now = T0;
    store = new MemorySessionStore();
    queues = new MemoryQueueStore();
    wills = [];
    inner.subscribe('mqp.msg.will.>', (m) => {
      wills.push(decodeMessage(m.data));
    });
  });

  afterEach(async () => {
    for (const s of services.splice(0)) await s.stop();
    await inner.close();
  });

  it('publishes the will of a non-persistent session once when its gateway falls silent for 3 heartbeats [MQTT-3.1.2-8]', async () => {
    const s = await startService();
    beat('gw-1');
    await s.open(openRequest({ will: will(0) }));
    now += 3 * INTERVAL; // still within the allowance
    await ticks();
    expect(wills).toHaveLength(0);
    expect(await s.list()).toHaveLength(1);
    now += INTERVAL + 1;
    await waitFor(() => wills.length === 1);
    await ticks();
    expect(wills.map((w) => [w.id, w.topic])).toEqual([['will-c1', 'will/c1']]);
    expect(await s.list()).toEqual([]);
  });

  it('publishes a delayed will only after min(will delay, session expiry), once [MQTT-3.1.3-9]', async () => {
    const s = await startService();
    beat('gw-1');
    await s.open(openRequest({ cleanStart: false, sessionExpiryInterval: 300, will: will(2) }));
    now += 4 * INTERVAL + 1;
    await waitFor(async () => (await s.list()).length === 0);
    await ticks();
    expect(wills).toHaveLength(0);
    now += 2_000;
    await waitFor(() => wills.length === 1);
    now += 10_000;
    await ticks();
    expect(wills).toHaveLength(1);
    expect((await store.get('c1'))?.will).toBeUndefined();
  });

  it('caps the will delay of a dead gateway\'s connection by the session expiry [MQTT-3.1.3-9]', async () => {
    const s = await startService();
    beat('gw-1');
    await s.open(openRequest({ cleanStart: false, sessionExpiryInterval: 1, will: will(60) }));
    now += 4 * INTERVAL + 1;
    await waitFor(async () => (await s.list()).length === 0);
    now += 1_000;
    await waitFor(() => wills.length === 1);
  });

  it('takes a persistent session of a dead gateway offline: captured from its stored subscriptions, handed over on reconnect', async () => {
    const s = await startService();
    beat('gw-1');
    await s.open(openRequest({ cleanStart: false, sessionExpiryInterval: 300 }));
    await s.subscribe({ clientId: 'c1', connectionId: 'conn-1', subscriptions: [A_SUB] });
    now += 4 * INTERVAL + 1;
    await waitFor(async () => (await s.list()).length === 0);
    await bus.flush();
    bus.publish(subjects.message('a/x'), encodeMessage(message('m1', 'a/x')));
    await waitFor(async () => (await queues.stats('c1')).count === 1);
    beat('gw-2');
    const opened = await s.open(openRequest({ gatewayId: 'gw-2', connectionId: 'conn-2', cleanStart: false, sessionExpiryInterval: 300 }));
    expect(opened).toMatchObject({ sessionPresent: true, subscriptions: [{ filter: 'a/#', qos: 1 }] });
    const held = await s.resume({ clientId: 'c1', connectionId: 'conn-2' });
    expect(held.queued.map((m) => m.message.id)).toEqual(['m1']);
  });

  it('ends the connections of a gateway\'s earlier life when it announces a new startedAt, and keeps those of the new life', async () => {
    const s = await startService();
    beat('gw-1', T0);
    await s.open(openRequest({ will: will(0) }));
    await s.open(openRequest({ clientId: 'c2', connectionId: 'conn-2', gatewayStartedAt: T0 + 5_000 }));
    beat('gw-1', T0 + 5_000);
    await waitFor(() => wills.length === 1);
    await ticks();
    expect(wills).toHaveLength(1);
    expect((await s.list()).map((i) => i.clientId)).toEqual(['c2']);
  });

  /** The commands the session service sends to a gateway (kicks), as they arrive. */
  function commandsTo(gatewayId: string): GatewayCommand[] {
    const commands: GatewayCommand[] = [];
    inner.subscribe(subjects.gatewayControl(gatewayId), (m) => {
      commands.push(decodeGatewayCommand(m.data));
    });
    return commands;
  }

  it('tells a gateway declared dead that beats again in the same life (cut off from the bus, not dead) to close the connections it ended, once, as ended', async () => {
    const commands = commandsTo('gw-1');
    const s = await startService();
    beat('gw-1', T0);
    await s.open(openRequest({ will: will(0) }));
    await s.open(openRequest({ clientId: 'c2', connectionId: 'conn-2', cleanStart: false, sessionExpiryInterval: 300 }));
    now += 4 * INTERVAL + 1;
    await waitFor(() => wills.length === 1);
    expect(commands).toEqual([]);
    beat('gw-1', T0);
    beat('gw-1', T0);
    await ticks();
    const closeEnded = (clientId: string, connectionId: string): GatewayCommand => ({ kind: 'kick', clientId, connectionId, reasonCode: 0x9c, ended: true });
    expect(commands.sort((a, b) => a.clientId.localeCompare(b.clientId))).toEqual([closeEnded('c1', 'conn-1'), closeEnded('c2', 'conn-2')]);
    // the will went out once, here; the gateway closes without it
    expect(wills).toHaveLength(1);
  });

  it('tells a gateway that comes back with a new life nothing: the connections ended for it died with the old one', async () => {
    const commands = commandsTo('gw-1');
    const s = await startService();
    beat('gw-1', T0);
    await s.open(openRequest({ will: will(0) }));
    now += 4 * INTERVAL + 1;
    await waitFor(() => wills.length === 1);
    beat('gw-1', T0 + 10_000);
    await ticks();
    expect(commands).toEqual([]);
    // and forgets them: the new life falling silent and coming back is not told to close the old life's connections
    now += 4 * INTERVAL + 1;
    await ticks();
    beat('gw-1', T0 + 10_000);
    await ticks();
    expect(commands).toEqual([]);
  });

  it('does nothing to the connections of a gateway that keeps beating', async () => {
    const s = await startService();
    beat('gw-1');
    await s.open(openRequest({ will: will(0) }));
    for (let i = 0; i < 10; i++) {
      now += INTERVAL;
      beat('gw-1');
      await ticks();
    }
    expect(wills).toHaveLength(0);
    expect(await s.list()).toHaveLength(1);
  });

  it('does not count the time it was off the bus itself (a NATS restart kills no gateway)', async () => {
    const s = await startService();
    beat('gw-1');
    await s.open(openRequest({ will: will(0) }));
    bus.set('reconnecting');
    now += 30 * INTERVAL;
    await ticks();
    bus.set('connected');
    await ticks();
    expect(await s.list()).toHaveLength(1);
    now += 4 * INTERVAL;
    await waitFor(() => wills.length === 1);
  });

  it('does not publish the will of a connection that closed normally before its gateway died', async () => {
    const s = await startService();
    beat('gw-1');
    await s.open(openRequest({ will: will(0) }));
    await s.close({ clientId: 'c1', connectionId: 'conn-1' });
    now += 10 * INTERVAL;
    await ticks();
    expect(wills).toHaveLength(0);
  });

  it('publishes the wills of a restarted gateway\'s connections on resetGateway', async () => {
    const s = await startService();
    await s.open(openRequest({ will: will(0) }));
    await s.resetGateway({ gatewayId: 'gw-1' });
    await waitFor(() => wills.length === 1);
    await s.resetGateway({ gatewayId: 'gw-1' });
    await ticks();
    expect(wills).toHaveLength(1);
  });

  it('after its own restart, still knows the will of a live persistent connection and publishes it when the gateway dies', async () => {
    const leases = new MemoryLeaseStore();
    const first = await startService({ leases, connectionsOutliveRestart: true, instanceId: 'a' });
    beat('gw-1');
    await first.open(openRequest({ cleanStart: false, sessionExpiryInterval: 300, will: will(0) }));
    await first.stop();
    services.splice(0);
    const second = await startService({ leases, connectionsOutliveRestart: true, instanceId: 'a' });
    expect((await second.list()).map((i) => i.clientId)).toEqual(['c1']);
    // gw-1 is never heard again: the restarted service gives it its allowance from the restart, then ends its connection
    now += 4 * INTERVAL + 1;
    await waitFor(() => wills.length === 1);
    expect(await second.list()).toEqual([]);
  });
});

describe('SessionService standalone restart: connections died with the process', () => {
  it('publishes the will of a persistent session that was connected when the broker died, after its delay [MQTT-3.1.2-8]', async () => {
    const bus = new InProcessBus({ logger: silentLogger });
    const store = new MemorySessionStore();
    const queues = new MemoryQueueStore();
    let now = T0;
    const wills: Message[] = [];
    bus.subscribe('mqp.msg.will.>', (m) => {
      wills.push(decodeMessage(m.data));
    });
    const deps = { bus, store, queues, logger: silentLogger, now: () => now, sweepIntervalMs: 5 };
    const first = new SessionService(deps);
    await first.start();
    await first.open(openRequest({ cleanStart: false, sessionExpiryInterval: 300, will: will(2) }));
    await first.stop(); // as if killed: no close came

    const second = new SessionService(deps);
    try {
      await second.start();
      await new Promise((r) => setTimeout(r, 30));
      expect(wills).toHaveLength(0);
      now += 2_000;
      await waitFor(() => wills.length === 1);
      await new Promise((r) => setTimeout(r, 30));
      expect(wills).toHaveLength(1);
      expect((await store.get('c1'))?.will).toBeUndefined();
    } finally {
      await second.stop();
      await bus.close();
    }
  });
});
