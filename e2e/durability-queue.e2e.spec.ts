/**
 * The offline queue of a persistent session survives a broker killed with
 * SIGKILL and started again on the same data directory (standalone,
 * embedded store): every message a publisher got PUBACK/PUBCOMP for reaches
 * the subscriber once, in publish order, with Session Present 1.
 */
import type { MqttClient } from 'mqtt';
import { PlatformProcess, tempDir } from '@mqp/testing';
import { closeAllClients, connectClient, connectWithInbox } from './support/mqtt-clients';

const PERSISTENT = { clean: false, protocolVersion: 5 as const, properties: { sessionExpiryInterval: 600 } };

describe('mqp standalone: a persistent session queue survives SIGKILL', () => {
  let data: ReturnType<typeof tempDir>;
  let broker: PlatformProcess | undefined;

  async function startBroker(env: NodeJS.ProcessEnv = {}): Promise<number> {
    await broker?.stop('SIGKILL'); // never two brokers on one data directory
    broker = PlatformProcess.spawn('standalone', ['--mqtt-port', '0', '--data-dir', data.path], env);
    await broker.waitReady();
    return broker.ports.mqtt!;
  }

  beforeEach(() => {
    data = tempDir();
  });

  afterEach(async () => {
    await closeAllClients();
    await broker?.stop('SIGKILL');
    data.remove();
  });

  /**
   * Publishes `count` messages numbered 0.. on `topic`, a window at a time;
   * resolves when each got its PUBACK/PUBCOMP. QoS 2 uses a window of 20: a
   * 3.1.1 client has no Receive Maximum, and more than 100 QoS 2 flows
   * awaiting PUBREL (EMQX max_awaiting_rel) get it disconnected.
   */
  async function publishNumbered(pub: MqttClient, topic: string, count: number, qos: 1 | 2): Promise<void> {
    const window = qos === 2 ? 20 : 200;
    for (let start = 0; start < count; start += window) {
      const batch = [];
      for (let i = start; i < Math.min(count, start + window); i++) batch.push(pub.publishAsync(topic, String(i), { qos }));
      await Promise.all(batch);
    }
  }

  async function survives(qos: 1 | 2, count: number, env: NodeJS.ProcessEnv = {}): Promise<void> {
    const clientId = `durable-q${qos}-${count}`;
    let port = await startBroker(env);
    const first = await connectWithInbox(port, { clientId, ...PERSISTENT });
    await first.client.subscribeAsync('dq/#', { qos });
    await first.client.endAsync();

    const pub = await connectClient(port, { clientId: `pub-${clientId}` });
    await publishNumbered(pub, 'dq/t', count, qos);
    // Killed right after the last PUBACK/PUBCOMP, without a clean shutdown or
    // flush: the gateway acknowledges only once the offline copy is committed.
    await broker!.stop('SIGKILL');
    await closeAllClients();

    port = await startBroker(env);
    const back = await connectWithInbox(port, { clientId, ...PERSISTENT });
    expect(back.connack.sessionPresent).toBe(true);
    const received = await back.inbox.waitFor(count, 30_000);
    expect(received.map((m) => m.payload)).toEqual(Array.from({ length: count }, (_, i) => String(i)));
    expect(received.every((m) => m.packet.qos === qos)).toBe(true);
    // exactly once: nothing more (no duplicates) arrives afterwards
    await back.inbox.expectNoMoreThan(count, 500);
  }

  it('delivers 1,000 QoS 1 messages captured before the kill, each once and in order, session present', async () => {
    await survives(1, 1_000);
  });

  it('delivers 1,000 QoS 2 messages captured before the kill exactly once and in order, session present', async () => {
    await survives(2, 1_000);
  });

  // 10,000 round trips, two broker starts and the replay take ~20 s on the
  // 2-core machine: 120 s for these two tests only, for headroom under load.
  it('delivers 10,000 QoS 1 messages with session.maxQueuedMessages raised to 20,000', async () => {
    await survives(1, 10_000, { MQP_SESSION__MAX_QUEUED_MESSAGES: '20000' });
  }, 120_000);

  it('delivers 10,000 QoS 2 messages exactly once with session.maxQueuedMessages raised to 20,000', async () => {
    await survives(2, 10_000, { MQP_SESSION__MAX_QUEUED_MESSAGES: '20000' });
  }, 120_000);
});
