/**
 * MQTT 5 features end to end, against the standalone process and the split
 * deployment (two gateways on a real nats-server): shared subscriptions
 * load-balanced across gateways, subscription identifiers, topic aliases,
 * retain handling, message expiry and `$SYS` statistics.
 */
import type { Deployment } from '@mqp/testing';
import { DEPLOYMENTS } from './support/deployments';
import { closeAllClients, connectClient, Inbox } from './support/mqtt-clients';

describe.each(DEPLOYMENTS)('mqp %s: MQTT 5', (kind, start) => {
  let deployment: Deployment;
  let subPort: number;
  let pubPort: number;

  beforeAll(async () => {
    deployment = await start({
      config: {
        auth: {
          allowAnonymous: true,
          users: [{ username: 'admin', password: 'secret', superuser: true }],
          acl: [{ permission: 'allow', action: 'all', topics: ['#'] }],
        },
        gateway: { sysIntervalMs: 200 },
      },
    });
    subPort = deployment.mqttPorts[0]!;
    pubPort = deployment.mqttPorts[deployment.mqttPorts.length - 1]!;
  }, 90_000);

  afterEach(() => closeAllClients());

  afterAll(async () => {
    if (process.env['MQP_TEST_E2E_LOGS']) require('node:fs').writeFileSync(`${process.env['MQP_TEST_E2E_LOGS']}/mqtt5-${kind}.log`, deployment?.logs() ?? '');
    await deployment?.stop();
  });

  it('load-balances a shared subscription over members on both gateways: 100 QoS 1 messages, each to exactly one member (MQTT 5.0 §4.8.2)', async () => {
    const a = await connectClient(subPort, { clientId: 'share-a', protocolVersion: 5 });
    const b = await connectClient(pubPort, { clientId: 'share-b', protocolVersion: 5 });
    const inA = new Inbox(a);
    const inB = new Inbox(b);
    await a.subscribeAsync('$share/workers/jobs/+', { qos: 1 });
    await b.subscribeAsync('$share/workers/jobs/+', { qos: 1 });
    const pub = await connectClient(pubPort, { clientId: 'share-pub', protocolVersion: 5 });
    for (let i = 0; i < 100; i++) await pub.publishAsync('jobs/x', `${i}`, { qos: 1 });
    const deadline = Date.now() + 10_000;
    while (inA.messages.length + inB.messages.length < 100 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    // and nothing more (no message went to both) in the moment after
    await new Promise((r) => setTimeout(r, 300));
    const all = [...inA.messages, ...inB.messages].map((m) => m.payload);
    expect(all.length).toBe(100);
    expect(new Set(all).size).toBe(100);
    expect(inA.messages.length).toBeGreaterThan(0);
    expect(inB.messages.length).toBeGreaterThan(0);
  });

  it('delivers across gateways with the identifiers of the matching subscriptions [MQTT-3.3.4-3]', async () => {
    const sub = await connectClient(subPort, { clientId: 'sid-sub', protocolVersion: 5 });
    const inbox = new Inbox(sub);
    await sub.subscribeAsync('sid/+', { qos: 1, properties: { subscriptionIdentifier: 11 } });
    await sub.subscribeAsync('sid/#', { qos: 1, properties: { subscriptionIdentifier: 22 } });
    const pub = await connectClient(pubPort, { clientId: 'sid-pub', protocolVersion: 5 });
    await pub.publishAsync('sid/a', 'x', { qos: 1 });
    const [got] = await inbox.waitFor(1);
    expect([got!.packet.properties?.subscriptionIdentifier].flat().sort()).toEqual([11, 22]);
    await inbox.expectNoMoreThan(1);
  });

  it('round-trips topic aliases with MQTT.js in both directions (MQTT 5.0 §3.3.2.3.4)', async () => {
    const sub = await connectClient(subPort, { clientId: 'alias-sub', protocolVersion: 5, properties: { topicAliasMaximum: 5 } });
    const inbox = new Inbox(sub);
    const rawAliases: (number | undefined)[] = [];
    sub.on('packetreceive', (p) => {
      if (p.cmd === 'publish') rawAliases.push(p.properties?.topicAlias);
    });
    await sub.subscribeAsync('alias/#', { qos: 0 });
    const pub = await connectClient(pubPort, { clientId: 'alias-pub', protocolVersion: 5, autoUseTopicAlias: true });
    for (let i = 0; i < 3; i++) await pub.publishAsync('alias/long/topic/name', `${i}`, { qos: 1 });
    const got = await inbox.waitFor(3);
    expect(got.map((m) => [m.topic, m.payload])).toEqual([
      ['alias/long/topic/name', '0'],
      ['alias/long/topic/name', '1'],
      ['alias/long/topic/name', '2'],
    ]);
    expect(rawAliases).toEqual([1, 1, 1]);
  });

  it('sends retained messages by Retain Handling: 1 only for a new subscription, 2 never [MQTT-3.3.1-10] [MQTT-3.3.1-11]', async () => {
    const pub = await connectClient(pubPort, { clientId: 'rh-pub', protocolVersion: 5 });
    await pub.publishAsync('rh/state', 'on', { qos: 1, retain: true });
    const sub = await connectClient(subPort, { clientId: 'rh-sub', protocolVersion: 5 });
    const inbox = new Inbox(sub);
    await sub.subscribeAsync('rh/+', { qos: 1, rh: 1 });
    await inbox.waitFor(1);
    await sub.subscribeAsync('rh/+', { qos: 1, rh: 1 });
    await sub.subscribeAsync('rh/#', { qos: 1, rh: 2 });
    await inbox.expectNoMoreThan(1);
    await pub.publishAsync('rh/state', '', { qos: 1, retain: true });
  });

  it('drops an expired message and forwards the remaining expiry interval [MQTT-3.3.2-5] [MQTT-3.3.2-6]', async () => {
    const pub = await connectClient(pubPort, { clientId: 'exp-pub', protocolVersion: 5 });
    await pub.publishAsync('exp/a', 'soon gone', { qos: 1, retain: true, properties: { messageExpiryInterval: 1 } });
    await pub.publishAsync('exp/b', 'kept', { qos: 1, retain: true, properties: { messageExpiryInterval: 60 } });
    await new Promise((r) => setTimeout(r, 1_100));
    const sub = await connectClient(subPort, { clientId: 'exp-sub', protocolVersion: 5 });
    const inbox = new Inbox(sub);
    await sub.subscribeAsync('exp/+', { qos: 1 });
    const [got] = await inbox.waitFor(1);
    expect(got!.topic).toBe('exp/b');
    expect(got!.packet.properties?.messageExpiryInterval).toBeLessThanOrEqual(59);
    await inbox.expectNoMoreThan(1);
    await pub.publishAsync('exp/b', '', { qos: 1, retain: true });
  });

  it('does not match $SYS topics with a leading wildcard, and publishes $SYS/brokers/<gateway>/... stats to a superuser [MQTT-4.7.2-1]', async () => {
    const anyone = await connectClient(subPort, { clientId: 'wild', protocolVersion: 5 });
    const wild = new Inbox(anyone);
    await anyone.subscribeAsync(['#', '+/brokers/#'], { qos: 0 });
    const admin = await connectClient(subPort, { clientId: 'admin', protocolVersion: 5, username: 'admin', password: 'secret' });
    const sys = new Inbox(admin);
    await admin.subscribeAsync('$SYS/#', { qos: 0 });
    const got = await sys.waitFor(6);
    expect(got.map((m) => m.topic)).toEqual(expect.arrayContaining([expect.stringMatching(/^\$SYS\/brokers\/[^/]+\/clients\/connected$/)]));
    expect(wild.messages.filter((m) => m.topic.startsWith('$'))).toEqual([]);
  });
});
