/**
 * HOSTILE-INPUTS.md "Faults and the guarantee to check", split deployment:
 * a gateway process dies (SIGKILL) — its clients' wills are published by the
 * session service, which notices the silence of its heartbeats, and its
 * persistent clients get their sessions back on the other gateway; NATS
 * restarts — the MQTT clients stay connected and routing resumes.
 */
import type { MqttClient } from 'mqtt';
import { httpStatus, startSplit, until, type Deployment } from '@mqp/testing';
import type { IDisconnectPacket } from 'mqtt-packet';
import { CuttableProxy } from './support/cuttable-proxy';
import { closeAllClients, connectClient, connectWithInbox, type Inbox } from './support/mqtt-clients';

/** Short heartbeats so a dead gateway is found in ~1 s (3 missed intervals). */
const HEARTBEAT_MS = 300;

/** Publishes probe messages until `inbox` has one (routing works end to end), without a fixed sleep. */
async function probeUntilRouted(pub: MqttClient, inbox: Inbox, topic: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let n = 0; ; n++) {
    const before = inbox.messages.length;
    pub.publish(`${topic}/${n}`, `probe-${n}`, { qos: 1 }, () => undefined);
    try {
      await inbox.waitFor(before + 1, 300);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`no probe on ${topic} routed within ${timeoutMs} ms`);
    }
  }
}

describe('faults on the split deployment', () => {
  let deployment: Deployment;
  let gw1: number;
  let gw2: number;
  /** gateway-1 reaches NATS through this, so a test can cut that gateway alone off the bus. */
  const gateway1Link = new CuttableProxy();

  beforeAll(async () => {
    await gateway1Link.listen();
    deployment = await startSplit({
      config: { gateway: { heartbeatIntervalMs: HEARTBEAT_MS } },
      natsUrlFor: (name, url) => (name === 'gateway-1' ? gateway1Link.front(url) : url),
    });
    [gw1, gw2] = deployment.mqttPorts as [number, number];
  }, 60_000);

  afterEach(() => closeAllClients());
  afterAll(async () => {
    await deployment?.stop();
    await gateway1Link.close();
  });

  // Runs first: it needs both gateways alive.
  it('NATS restarts: clients on both gateways stay connected, /ready says not ready meanwhile, routing resumes', async () => {
    // a will that must not go out: NATS being away kills no connection (the session service pauses its heartbeat clocks)
    const sub = await connectWithInbox(gw1, { clientId: 'nats-sub', protocolVersion: 5, will: { topic: 'faults/nats-will', payload: Buffer.from('x'), qos: 1, retain: false } });
    await sub.client.subscribeAsync('faults/nats/#', { qos: 1 });
    const { client: pub, inbox: willInbox } = await connectWithInbox(gw2, { clientId: 'nats-pub', protocolVersion: 5 });
    await pub.subscribeAsync('faults/nats-will', { qos: 1 });
    const closed: string[] = [];
    sub.client.on('close', () => closed.push('sub'));
    pub.on('close', () => closed.push('pub'));
    await probeUntilRouted(pub, sub.inbox, 'faults/nats/before', 5_000);

    const readyPort = deployment.processes.get('gateway-1')!.httpPort;
    await deployment.nats!.kill();
    // the gateway's readiness includes its bus connection
    await until('gateway-1 /ready is 503 while NATS is down', async () => (await httpStatus(readyPort, '/ready')) === 503, 10_000);
    // the outage itself (not a wait for an event): longer than the 3 missed heartbeats that would end a gateway's connections
    await new Promise((r) => setTimeout(r, 4 * HEARTBEAT_MS));
    await deployment.nats!.start();
    await until('gateway-1 /ready is 200 again', async () => (await httpStatus(readyPort, '/ready')) === 200, 15_000);
    await until('gateway-2 /ready is 200 again', async () => (await httpStatus(deployment.processes.get('gateway-2')!.httpPort, '/ready')) === 200, 15_000);

    // subscriptions are re-established: a publish on gateway-2 reaches the subscriber on gateway-1
    await probeUntilRouted(pub, sub.inbox, 'faults/nats/after', 10_000);
    expect(closed).toEqual([]);
    expect(sub.client.connected && pub.connected).toBe(true);
    // past 3 heartbeat intervals after the restart, the session service still counts gateway-1 alive
    await willInbox.expectNoMoreThan(0, 4 * HEARTBEAT_MS);
  }, 40_000);

  it('a gateway cut off from NATS alone is declared dead (wills published once, persistent sessions captured); when it is back its clients are closed with DISCONNECT 0x9C and resume on the other gateway [MQTT-3.1.2-8]', async () => {
    const watcher = await connectWithInbox(gw2, { clientId: 'cut-watcher', protocolVersion: 5 });
    await watcher.client.subscribeAsync('faults/cut/will', { qos: 1 });
    const plain = await connectClient(gw1, { clientId: 'cut-plain', protocolVersion: 5, will: { topic: 'faults/cut/will', payload: Buffer.from('cut gone'), qos: 1, retain: false } });
    const persistent = await connectWithInbox(gw1, { clientId: 'cut-persistent', clean: false, protocolVersion: 5, properties: { sessionExpiryInterval: 300 } });
    await persistent.client.subscribeAsync('faults/cut/data/#', { qos: 1 });
    const told = [plain, persistent.client].map((c) => new Promise<IDisconnectPacket>((resolve) => c.once('disconnect', resolve)));

    gateway1Link.cut();
    // silent for 3 heartbeats: the session service publishes the will (the gateway cannot) and captures the persistent session
    const [will] = await watcher.inbox.waitFor(1, 10_000);
    expect(will).toMatchObject({ topic: 'faults/cut/will', payload: 'cut gone' });
    const pub = await connectClient(gw2, { clientId: 'cut-pub', protocolVersion: 5 });
    for (let i = 0; i < 3; i++) await pub.publishAsync(`faults/cut/data/${i}`, `away-${i}`, { qos: 1 });
    expect(plain.connected && persistent.client.connected).toBe(true);

    gateway1Link.restore();
    // back on the bus, the gateway is told those connections ended: closed, and not given a second will or session
    const disconnects = await Promise.all(told);
    expect(disconnects.map((d) => d.reasonCode)).toEqual([0x9c, 0x9c]);
    const back = await connectWithInbox(gw2, { clientId: 'cut-persistent', clean: false, protocolVersion: 5, properties: { sessionExpiryInterval: 300 } });
    expect(back.connack.sessionPresent).toBe(true);
    const got = await back.inbox.waitFor(3, 5_000);
    expect(got.map((m) => m.payload)).toEqual(['away-0', 'away-1', 'away-2']);
    await watcher.inbox.expectNoMoreThan(1, 4 * HEARTBEAT_MS);
    // gateway-1 serves again
    const again = await connectWithInbox(gw1, { clientId: 'cut-again', protocolVersion: 5 });
    await again.client.subscribeAsync('faults/cut/again/#', { qos: 1 });
    await probeUntilRouted(pub, again.inbox, 'faults/cut/again', 5_000);
  }, 40_000);

  it('a SIGKILLed gateway: its clients\' wills are published (delayed ones after their delay), its persistent clients resume on the other gateway [MQTT-3.1.2-8] [MQTT-3.1.3-9]', async () => {
    const watcher = await connectWithInbox(gw2, { clientId: 'will-watcher', protocolVersion: 5 });
    await watcher.client.subscribeAsync('faults/will/#', { qos: 1 });

    const onDying = { reconnectPeriod: 0 };
    const plain = await connectClient(gw1, { ...onDying, clientId: 'will-v4', will: { topic: 'faults/will/v4', payload: Buffer.from('v4 gone'), qos: 1, retain: false } });
    const delayed = await connectClient(gw1, {
      ...onDying,
      clientId: 'will-v5-delayed',
      protocolVersion: 5,
      properties: { sessionExpiryInterval: 60 },
      will: { topic: 'faults/will/v5', payload: Buffer.from('v5 gone'), qos: 1, retain: false, properties: { willDelayInterval: 2 } },
    });
    const persistent = await connectWithInbox(gw1, { ...onDying, clientId: 'faults-persistent', clean: false, protocolVersion: 5, properties: { sessionExpiryInterval: 300 } });
    await persistent.client.subscribeAsync('faults/persist/#', { qos: 1 });
    // the clients of the dead gateway see their sockets reset: not an error of the test
    for (const c of [plain, delayed, persistent.client]) c.on('error', () => undefined);

    const gateway1 = deployment.processes.get('gateway-1')!;
    gateway1.child.kill('SIGKILL');
    await gateway1.exited;
    const killedAt = Date.now();

    // the will of the plain client, within a few heartbeat intervals (3 missed + the check), exactly once
    const [first] = await watcher.inbox.waitFor(1, 10_000);
    expect(first).toMatchObject({ topic: 'faults/will/v4', payload: 'v4 gone' });
    expect(first!.packet.qos).toBe(1);
    expect(first!.packet.retain).toBe(false);
    const noticedAfter = Date.now() - killedAt;

    // the persistent session is offline now and captured: QoS 1 published to it while it is away is kept
    const pub = await connectClient(gw2, { clientId: 'faults-pub', protocolVersion: 5 });
    for (let i = 0; i < 3; i++) await pub.publishAsync(`faults/persist/${i}`, `away-${i}`, { qos: 1 });

    // the delayed will only after its 2 s delay
    const [, second] = await watcher.inbox.waitFor(2, 10_000);
    expect(second).toMatchObject({ topic: 'faults/will/v5', payload: 'v5 gone' });
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(noticedAfter + 1_900);

    const back = await connectWithInbox(gw2, { clientId: 'faults-persistent', clean: false, protocolVersion: 5, properties: { sessionExpiryInterval: 300 } });
    expect(back.connack.sessionPresent).toBe(true);
    const got = await back.inbox.waitFor(3, 5_000);
    expect(got.map((m) => m.payload)).toEqual(['away-0', 'away-1', 'away-2']);
    // its subscription works on the new gateway
    await pub.publishAsync('faults/persist/live', 'live', { qos: 1 });
    const live = await back.inbox.waitFor(4, 5_000);
    expect(live[3]).toMatchObject({ topic: 'faults/persist/live', payload: 'live' });

    // each will once
    await watcher.inbox.expectNoMoreThan(2, 500);
  }, 40_000);
});
