/**
 * What survives a broker killed with SIGKILL and started again on the same
 * data directory (standalone, embedded store).
 */
import { PlatformProcess, tempDir } from '@mqp/testing';
import { closeAllClients, connectWithInbox } from './support/mqtt-clients';

describe('mqp standalone killed with SIGKILL and started again', () => {
  const data = tempDir();
  let broker: PlatformProcess | undefined;

  async function startBroker(): Promise<number> {
    await broker?.stop('SIGKILL'); // never two brokers on one data directory
    broker = PlatformProcess.spawn('standalone', ['--mqtt-port', '0', '--data-dir', data.path]);
    await broker.waitReady();
    return broker.ports.mqtt!;
  }

  async function killBroker(): Promise<void> {
    await broker!.stop('SIGKILL');
  }

  afterEach(async () => {
    await closeAllClients();
    await broker?.stop('SIGKILL');
  });

  afterAll(() => data.remove());

  it('keeps retained messages [MQTT-3.3.1-5]', async () => {
    let port = await startBroker();
    const pub = await connectWithInbox(port, { clientId: 'retainer' });
    await pub.client.publishAsync('durable/lamp', 'on', { qos: 1, retain: true });
    await killBroker();

    port = await startBroker();
    const sub = await connectWithInbox(port, { clientId: 'late-reader' });
    await sub.client.subscribeAsync('durable/#', { qos: 1 });
    const [m] = await sub.inbox.waitFor(1);
    expect([m!.topic, m!.payload, m!.packet.retain]).toEqual(['durable/lamp', 'on', true]);
  });

  it('keeps a persistent session and its subscriptions: session present, and new messages delivered without subscribing again', async () => {
    let port = await startBroker();
    const first = await connectWithInbox(port, { clientId: 'survivor', clean: false, protocolVersion: 5, properties: { sessionExpiryInterval: 600 } });
    await first.client.subscribeAsync('survive/#', { qos: 1 });
    await first.client.endAsync();
    await killBroker();

    port = await startBroker();
    const back = await connectWithInbox(port, { clientId: 'survivor', clean: false, protocolVersion: 5, properties: { sessionExpiryInterval: 600 } });
    expect(back.connack.sessionPresent).toBe(true);
    const pub = await connectWithInbox(port, { clientId: 'survive-pub' });
    await pub.client.publishAsync('survive/x', 'after restart', { qos: 1 });
    const [m] = await back.inbox.waitFor(1);
    expect(m!.payload).toBe('after restart');
  });
});
