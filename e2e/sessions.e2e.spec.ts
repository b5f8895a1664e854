/**
 * Sessions across the platform, against both deployments: what a persistent
 * client is owed when it comes back (possibly through the other gateway),
 * QoS 2 exactly once, and wills.
 */
import type { Deployment } from '@mqp/testing';
import { DEPLOYMENTS } from './support/deployments';
import { closeAllClients, connectClient, connectWithInbox, withTimeout } from './support/mqtt-clients';

describe.each(DEPLOYMENTS)('sessions on mqp %s', (_kind, start) => {
  let deployment: Deployment;
  let first: number;
  let second: number;

  beforeAll(async () => {
    deployment = await start();
    first = deployment.mqttPorts[0]!;
    second = deployment.mqttPorts[deployment.mqttPorts.length - 1]!;
  }, 90_000);

  afterEach(() => closeAllClients());
  afterAll(() => deployment?.stop());

  it.each([
    [4, 1],
    [5, 2],
  ] as const)(
    'a v%i persistent subscriber at QoS %i gets every message published while away, in order, through the other gateway [MQTT-3.2.2-2]',
    async (protocolVersion, qos) => {
      const clientId = `persistent-v${protocolVersion}`;
      const v5 = protocolVersion === 5 ? { properties: { sessionExpiryInterval: 300 } } : {};
      const away = await connectWithInbox(first, { clientId, clean: false, protocolVersion, ...v5 });
      await away.client.subscribeAsync('queued/#', { qos });
      await away.client.endAsync();

      const pub = await connectClient(second, { clientId: `${clientId}-pub`, protocolVersion: 5 });
      for (let i = 0; i < 20; i++) await pub.publishAsync(`queued/${i}`, String(i), { qos });

      const back = await connectWithInbox(second, { clientId, clean: false, protocolVersion, ...v5 });
      expect(back.connack.sessionPresent).toBe(true);
      const got = await back.inbox.waitFor(20);
      expect(got.map((m) => m.payload)).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
      expect(got.every((m) => m.packet.qos === qos)).toBe(true);
      await back.inbox.expectNoMoreThan(20);
    },
  );

  it('starts a clean session with session present 0 and nothing queued [MQTT-3.1.2-4]', async () => {
    const old = await connectWithInbox(first, { clientId: 'cleaned', clean: false });
    await old.client.subscribeAsync('cleaned/#', { qos: 1 });
    await old.client.endAsync();
    const pub = await connectClient(second, { clientId: 'cleaned-pub' });
    await pub.publishAsync('cleaned/x', 'stale', { qos: 1 });
    const fresh = await connectWithInbox(second, { clientId: 'cleaned', clean: true });
    expect(fresh.connack.sessionPresent).toBe(false);
    await fresh.inbox.expectNoMoreThan(0);
  });

  it('delivers QoS 2 across gateways exactly once [MQTT-4.3.3-10]', async () => {
    const sub = await connectWithInbox(first, { clientId: 'q2-sub', protocolVersion: 5 });
    await sub.client.subscribeAsync('q2/t', { qos: 2 });
    const pub = await connectClient(second, { clientId: 'q2-pub', protocolVersion: 5 });
    for (let i = 0; i < 10; i++) await pub.publishAsync('q2/t', String(i), { qos: 2 });
    const got = await sub.inbox.waitFor(10);
    expect(got.map((m) => [m.payload, m.packet.qos])).toEqual(Array.from({ length: 10 }, (_, i) => [String(i), 2]));
    await sub.inbox.expectNoMoreThan(10);
  });

  it('publishes the will of a client whose connection is lost to a subscriber on the other gateway [MQTT-3.1.2-8]', async () => {
    const watcher = await connectWithInbox(second, { clientId: 'will-watcher' });
    await watcher.client.subscribeAsync('wills/#', { qos: 1 });
    const doomed = await connectWithInbox(first, { clientId: 'doomed', will: { topic: 'wills/doomed', payload: Buffer.from('gone'), qos: 1, retain: false } });
    doomed.client.stream.destroy(); // no DISCONNECT: the connection is simply lost
    const [m] = await watcher.inbox.waitFor(1);
    expect([m!.topic, m!.payload]).toEqual(['wills/doomed', 'gone']);
  });

  it('does not publish the will after a normal DISCONNECT [MQTT-3.1.2-10]', async () => {
    const watcher = await connectWithInbox(second, { clientId: 'will-watcher-2' });
    await watcher.client.subscribeAsync('wills2/#', { qos: 1 });
    const polite = await connectWithInbox(first, { clientId: 'polite', will: { topic: 'wills2/polite', payload: Buffer.from('gone'), qos: 1, retain: false } });
    await withTimeout(polite.client.endAsync(), 5000, 'clean disconnect');
    await watcher.inbox.expectNoMoreThan(0, 500);
  });
});
