import { InProcessBus } from '@mqp/bus';
import { decodeMessage, encodeMessage, subjects, type OpenSessionRequest } from '@mqp/contracts';
import type { Message, QoS } from '@mqp/model';
import { MetricsRegistry, silentLogger } from '@mqp/runtime';
import { MemorySessionStore } from '@mqp/storage';
import { SessionService } from './session.service';

const T0 = 1_700_000_000_000;

function openRequest(over: Partial<OpenSessionRequest> = {}): OpenSessionRequest {
  return { clientId: 'c1', gatewayId: 'gw-1', connectionId: 'conn-1', protocolVersion: 5, cleanStart: false, sessionExpiryInterval: 60, ...over };
}

function message(id: string, topic: string, qos: QoS): Message {
  return { id, topic, payload: Buffer.from(id), qos, retain: false, origin: { clientId: 'pub', gatewayId: 'gw-2' }, createdAt: T0 };
}

describe('SessionService persistent sessions', () => {
  let bus: InProcessBus;
  let now: number;
  let metrics: MetricsRegistry;
  let sessions: SessionService;

  function start(maxMessages = 1000): void {
    sessions = new SessionService({ bus, store: new MemorySessionStore(), logger: silentLogger, now: () => now, metrics, queueLimits: { maxMessages, maxBytes: 1_000_000 }, sweepIntervalMs: 10 });
  }

  beforeEach(() => {
    bus = new InProcessBus({ logger: silentLogger });
    now = T0;
    metrics = new MetricsRegistry();
    start();
  });

  afterEach(async () => {
    sessions.stop();
    await bus.close();
  });

  function publish(m: Message): void {
    bus.publish(subjects.message(m.topic), encodeMessage(m));
  }

  /** Connection 1 of c1 subscribed to `a/#` at QoS `qos`, then suspended (capture live). */
  async function suspended(qos: QoS = 2): Promise<void> {
    await sessions.open(openRequest());
    await sessions.suspend({ clientId: 'c1', connectionId: 'conn-1', subscriptions: [{ filter: 'a/#', qos, noLocal: false, retainAsPublished: false }] });
  }

  it('captures QoS 1/2 messages for a disconnected session, downgraded to the subscription, in order; QoS 0 is not kept', async () => {
    await suspended(1);
    publish(message('m1', 'a/1', 1));
    publish(message('m0', 'a/2', 0));
    publish(message('m2', 'a', 2));
    publish(message('x', 'b', 1));
    await bus.flush();
    await sessions.close({ clientId: 'c1', connectionId: 'conn-1' });
    const result = await sessions.open(openRequest({ connectionId: 'conn-2' }));
    expect(result).toMatchObject({ sessionPresent: true, subscriptions: [{ filter: 'a/#', qos: 1 }] });
    const held = await sessions.resume({ clientId: 'c1', connectionId: 'conn-2' });
    expect(held.queued.map((m) => [m.message.id, m.qos])).toEqual([['m1', 1], ['m2', 1]]);
    // taken: a second resume finds nothing
    expect((await sessions.resume({ clientId: 'c1', connectionId: 'conn-2' })).queued).toEqual([]);
  });

  it('puts the handed-over inflight and unsent messages before captured ones, removing duplicates by message id', async () => {
    await suspended();
    publish(message('m2', 'a/x', 1));
    publish(message('m3', 'a/x', 1));
    await bus.flush();
    await sessions.close({
      clientId: 'c1',
      connectionId: 'conn-1',
      handOver: { inflight: [{ message: message('m1', 'a/x', 2), qos: 2, packetId: 9 }], queued: [{ message: message('m2', 'a/x', 1), qos: 1 }], awaitingRel: [4] },
    });
    await sessions.open(openRequest({ connectionId: 'conn-2' }));
    const held = await sessions.resume({ clientId: 'c1', connectionId: 'conn-2' });
    expect(held.inflight).toMatchObject([{ packetId: 9, qos: 2 }]);
    expect(held.queued.map((m) => m.message.id)).toEqual(['m2', 'm3']);
    expect(held.awaitingRel).toEqual([4]);
  });

  it('bounds the offline queue, dropping the oldest and counting it in mqp_session_queue_dropped_total', async () => {
    sessions.stop();
    start(3);
    await suspended();
    for (let i = 1; i <= 5; i++) publish(message(`m${i}`, 'a/q', 1));
    await bus.flush();
    await sessions.close({ clientId: 'c1', connectionId: 'conn-1' });
    await sessions.open(openRequest({ connectionId: 'conn-2' }));
    expect((await sessions.resume({ clientId: 'c1', connectionId: 'conn-2' })).queued.map((m) => m.message.id)).toEqual(['m3', 'm4', 'm5']);
    expect(metrics.render()).toMatch(/mqp_session_queue_dropped_total 2/);
  });

  it('ends a session with expiry 0 at disconnect, and one with expiry N after N seconds (entry removed)', async () => {
    await sessions.open(openRequest({ clientId: 'zero', sessionExpiryInterval: 0 }));
    await sessions.close({ clientId: 'zero', connectionId: 'conn-1' });
    expect((await sessions.open(openRequest({ clientId: 'zero', connectionId: 'conn-2' }))).sessionPresent).toBe(false);

    await suspended();
    await sessions.close({ clientId: 'c1', connectionId: 'conn-1' });
    expect(sessions.heldCount).toBe(1);
    now = T0 + 61_000;
    await waitFor(() => sessions.heldCount === 0);
    expect((await sessions.open(openRequest({ connectionId: 'conn-2' }))).sessionPresent).toBe(false);
  });

  it('publishes a delayed will when its delay passes, and not when the client resumes first [MQTT-3.1.3-9]', async () => {
    const wills: string[] = [];
    bus.subscribe(subjects.message('w'), (m) => wills.push(decodeMessage(m.data).id));
    await suspended();
    await sessions.close({ clientId: 'c1', connectionId: 'conn-1', will: { message: message('will-1', 'w', 1), delaySeconds: 5 } });
    await sessions.open(openRequest({ connectionId: 'conn-2' }));
    now = T0 + 10_000;
    await new Promise((r) => setTimeout(r, 50));
    expect(wills).toEqual([]);

    await sessions.suspend({ clientId: 'c1', connectionId: 'conn-2', subscriptions: [] });
    await sessions.close({ clientId: 'c1', connectionId: 'conn-2', will: { message: message('will-2', 'w', 1), delaySeconds: 5 } });
    now = T0 + 16_000;
    await waitFor(() => wills.length === 1);
    expect(wills).toEqual(['will-2']);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 5));
}
