/**
 * The end-to-end suite of the platform skeleton, run unchanged against the
 * standalone process and against a split deployment (nats-server + one
 * process per service + two gateways). Clients are MQTT.js, a real client
 * library, plus raw sockets for bytes no library would send.
 */
import type { MqttClient } from 'mqtt';
import { httpStatus, type Deployment } from '@mqp/testing';
import { DEPLOYMENTS } from './support/deployments';
import { closeAllClients, connectClient, Inbox, rawSocket, withTimeout } from './support/mqtt-clients';
import { RecordingHttpServer } from './support/collector';

describe.each(DEPLOYMENTS)('mqp %s', (kind, start) => {
  let deployment: Deployment;
  const webhook = new RecordingHttpServer();
  const collector = new RecordingHttpServer();
  /** Publisher and subscriber sit on different gateways when there are two. */
  let subPort: number;
  let pubPort: number;

  beforeAll(async () => {
    const webhookPort = await webhook.start();
    const collectorPort = await collector.start();
    deployment = await start({
      config: {
        auth: {
          allowAnonymous: true,
          users: [{ username: 'alice', password: 'wonderland' }],
          acl: [
            { permission: 'deny', action: 'publish', topics: ['forbidden/#'] },
            { permission: 'allow', action: 'all', topics: ['#'] },
          ],
        },
        integration: { webhooks: [{ name: 'e2e', url: `http://127.0.0.1:${webhookPort}/hook`, topics: ['hooked/#'], events: ['client.connected'] }] },
        telemetry: { otlpEndpoint: `http://127.0.0.1:${collectorPort}/v1/traces` },
      },
      env: { OTEL_BSP_SCHEDULE_DELAY: '100' },
    });
    subPort = deployment.mqttPorts[0]!;
    pubPort = deployment.mqttPorts[deployment.mqttPorts.length - 1]!;
  }, 90_000);

  afterEach(() => closeAllClients());

  afterAll(async () => {
    // The processes' own output is the first thing to read when a test here fails.
    if (process.env['MQP_TEST_E2E_LOGS']) require('node:fs').writeFileSync(`${process.env['MQP_TEST_E2E_LOGS']}/${kind}.log`, deployment?.logs() ?? '');
    await deployment?.stop();
    await webhook.stop();
    await collector.stop();
  });

  it('answers /ready with 200 on every process once all modules started', async () => {
    for (const proc of deployment.processes.values()) {
      expect(await httpStatus(proc.httpPort, '/ready')).toBe(200);
    }
  });

  it.each([0, 1] as const)('delivers QoS %i across gateways through + and # wildcards', async (qos) => {
    const sub = await connectClient(subPort, { clientId: `sub-q${qos}` });
    const inbox = new Inbox(sub);
    await sub.subscribeAsync([`sensors/+/temp`, `fleet/#`], { qos });
    const pub = await connectClient(pubPort, { clientId: `pub-q${qos}`, protocolVersion: 5 });
    await pub.publishAsync('sensors/a/temp', '21.5', { qos });
    await pub.publishAsync('sensors/a/humidity', 'no match', { qos });
    await pub.publishAsync('fleet', 'parent level matches #', { qos });
    await pub.publishAsync('fleet/car/7/pos', '52.5,13.4', { qos });
    const got = await inbox.waitFor(3);
    expect(got.map((m) => [m.topic, m.payload, m.packet.qos])).toEqual([
      ['sensors/a/temp', '21.5', qos],
      ['fleet', 'parent level matches #', qos],
      ['fleet/car/7/pos', '52.5,13.4', qos],
    ]);
    await inbox.expectNoMoreThan(3);
  });

  it('delivers a message once to a client whose subscriptions overlap, at the highest QoS [MQTT-3.3.5-1]', async () => {
    const sub = await connectClient(subPort, { clientId: 'overlap-sub' });
    const inbox = new Inbox(sub);
    await sub.subscribeAsync({ 'o/+': { qos: 0 }, 'o/#': { qos: 1 } });
    const pub = await connectClient(pubPort, { clientId: 'overlap-pub' });
    await pub.publishAsync('o/x', 'once', { qos: 1 });
    const [m] = await inbox.waitFor(1);
    expect(m!.packet.qos).toBe(1);
    await inbox.expectNoMoreThan(1);
  });

  it('sends a retained message set through one gateway to a new subscriber on another, and clears it with an empty payload [MQTT-3.3.1-6]', async () => {
    const pub = await connectClient(subPort, { clientId: 'retain-pub' });
    await pub.publishAsync('status/lamp-1', 'on', { qos: 1, retain: true });
    const sub = await connectClient(pubPort, { clientId: 'retain-sub' });
    const inbox = new Inbox(sub);
    await sub.subscribeAsync('status/+', { qos: 1 });
    const [m] = await inbox.waitFor(1);
    expect([m!.topic, m!.payload, m!.packet.retain]).toEqual(['status/lamp-1', 'on', true]);

    await pub.publishAsync('status/lamp-1', '', { qos: 1, retain: true });
    const late = await connectClient(pubPort, { clientId: 'retain-late' });
    const lateInbox = new Inbox(late);
    await late.subscribeAsync('status/+', { qos: 1 });
    await lateInbox.expectNoMoreThan(0);
  });

  it('closes the first connection when the same client id connects on another gateway, v5 with 0x8E [MQTT-3.1.4-2]', async () => {
    const first = await connectClient(subPort, { clientId: 'twin', protocolVersion: 5 });
    const disconnected = new Promise<number | undefined>((resolve) => first.once('disconnect', (p) => resolve(p.reasonCode)));
    const closed = new Promise<void>((resolve) => first.once('close', () => resolve()));
    await connectClient(pubPort, { clientId: 'twin', protocolVersion: 5 });
    expect(await withTimeout(disconnected, 5000, 'DISCONNECT to the first connection')).toBe(0x8e);
    await withTimeout(closed, 5000, 'first connection closed');
  });

  it('refuses a wrong password with 0x86 (v5) and 4 (v3.1.1), and accepts the right one', async () => {
    await expect(connectClient(subPort, { clientId: 'bad5', username: 'alice', password: 'nope', protocolVersion: 5 })).rejects.toMatchObject({ code: 0x86 });
    await expect(connectClient(subPort, { clientId: 'bad4', username: 'alice', password: 'nope' })).rejects.toMatchObject({ code: 4 });
    const ok = await connectClient(subPort, { clientId: 'good', username: 'alice', password: 'wonderland' });
    expect(ok.connected).toBe(true);
  });

  it('answers a publish the ACL denies with PUBACK 0x87 and delivers nothing', async () => {
    const sub = await connectClient(subPort, { clientId: 'acl-sub' });
    const inbox = new Inbox(sub);
    await sub.subscribeAsync('forbidden/#', { qos: 1 });
    const pub = await connectClient(pubPort, { clientId: 'acl-pub', protocolVersion: 5 });
    // MQTT.js reports a PUBACK reason code ≥ 0x80 as an error carrying that code.
    await expect(pub.publishAsync('forbidden/x', 'no', { qos: 1 })).rejects.toMatchObject({ code: 0x87 });
    await inbox.expectNoMoreThan(0);
  });

  it('closes a connection whose first packet is not CONNECT, and keeps serving others [MQTT-3.1.0-1]', async () => {
    const sub = await connectClient(subPort, { clientId: 'bystander' });
    const inbox = new Inbox(sub);
    await sub.subscribeAsync('alive', { qos: 1 });
    const bad = await rawSocket(subPort);
    bad.socket.write(Buffer.from([0xc0, 0x00])); // PINGREQ before CONNECT
    await withTimeout(bad.closed, 5000, 'server closes the socket');
    const garbage = await rawSocket(subPort);
    garbage.socket.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x7f])); // Remaining Length in 5 bytes
    await withTimeout(garbage.closed, 5000, 'server closes the socket');
    const pub = await connectClient(pubPort, { clientId: 'bystander-pub' });
    await pub.publishAsync('alive', 'still here', { qos: 1 });
    expect((await inbox.waitFor(1))[0]!.payload).toBe('still here');
  });

  it('keeps delivering to others while one subscriber stops reading its socket', async () => {
    const stalled = await rawSocket(subPort);
    // CONNECT v3.1.1 client id "stalled", then SUBSCRIBE "flood" QoS 0, then never read again.
    const connect = Buffer.concat([Buffer.from([0x10, 19, 0, 4]), Buffer.from('MQTT'), Buffer.from([4, 2, 0, 60, 0, 7]), Buffer.from('stalled')]);
    const subscribe = Buffer.concat([Buffer.from([0x82, 10, 0, 1, 0, 5]), Buffer.from('flood'), Buffer.from([0])]);
    stalled.socket.write(Buffer.concat([connect, subscribe]));
    stalled.socket.pause();
    const healthy = await connectClient(subPort, { clientId: 'healthy' });
    const inbox = new Inbox(healthy);
    await healthy.subscribeAsync('flood', { qos: 0 });
    const pub = await connectClient(pubPort, { clientId: 'flooder' });
    const payload = Buffer.alloc(16 * 1024, 1);
    const count = 400; // 6.4 MB: well past any socket buffer of the stalled reader
    for (let i = 0; i < count; i++) pub.publish('flood', payload, { qos: 0 });
    await pub.publishAsync('flood', 'last', { qos: 1 });
    const got = await inbox.waitFor(count + 1, 20_000);
    expect(got[got.length - 1]!.payload).toBe('last');
    stalled.socket.destroy();
  });

  it('POSTs matching messages and client events to the configured webhook', async () => {
    const pub = await connectClient(pubPort, { clientId: 'hook-pub' });
    await pub.publishAsync('hooked/device-9', '{"t":1}', { qos: 1 });
    await pub.publishAsync('not-hooked/x', 'ignored', { qos: 1 });
    const message = await webhook.waitFor(() => webhook.requests.find((r) => r.body.includes('hooked/device-9')));
    expect(JSON.parse(message.body)).toMatchObject({ event: 'message.publish', topic: 'hooked/device-9', payload: '{"t":1}', clientId: 'hook-pub' });
    const event = await webhook.waitFor(() => webhook.requests.find((r) => r.body.includes('client.connected') && r.body.includes('hook-pub')));
    expect(JSON.parse(event.body)).toMatchObject({ event: 'client.connected', clientId: 'hook-pub' });
    expect(webhook.requests.some((r) => r.body.includes('not-hooked'))).toBe(false);
  });

  it('carries the trace of an MQTT 5 traceparent through gateway → bus → receiving gateway', async () => {
    const traceId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    const sub = await connectClient(subPort, { clientId: 'trace-sub', protocolVersion: 5 });
    const inbox = new Inbox(sub);
    await sub.subscribeAsync('traced/t', { qos: 1 });
    const pub = await connectClient(pubPort, { clientId: 'trace-pub', protocolVersion: 5 });
    // retained, so the router is called too: in split mode over gRPC, and that call joins the trace
    await pub.publishAsync('traced/t', 'x', { qos: 1, retain: true, properties: { userProperties: { traceparent: `00-${traceId}-0102030405060708-01` } } });
    const [m] = await inbox.waitFor(1);
    const forwarded = m!.packet.properties?.userProperties?.['traceparent'];
    expect(String(forwarded)).toContain(traceId);

    const spanNames = (): string[] =>
      collector.requests.flatMap((r) => {
        const body = JSON.parse(r.body) as { resourceSpans?: { scopeSpans?: { spans?: { traceId: string; name: string }[] }[] }[] };
        return (body.resourceSpans ?? []).flatMap((rs) => (rs.scopeSpans ?? []).flatMap((ss) => (ss.spans ?? []).filter((s) => s.traceId === traceId).map((s) => s.name)));
      });
    const traceComplete = (): true | undefined => {
      const names = spanNames();
      const hops = names.includes('mqtt publish') && names.includes('mqtt deliver');
      // split: the gateway's client span and the router process's server span of the same call
      const routerCall = kind !== 'split' || names.filter((n) => n === 'mqp.router.v1.Router/Retain').length === 2;
      return hops && routerCall ? true : undefined;
    };
    await collector.waitFor(traceComplete, 15_000);
  });

  if (kind === 'split') {
    it('reports a dead auth service in /ready and refuses new connections with "server unavailable" (fail closed)', async () => {
      const gateway = deployment.processes.get('gateway-1')!;
      await deployment.processes.get('auth')!.stop('SIGKILL');
      const deadline = Date.now() + 15_000;
      while ((await httpStatus(gateway.httpPort, '/ready')) !== 503 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await httpStatus(gateway.httpPort, '/ready')).toBe(503);
      await expect(connectClient(subPort, { clientId: 'while-auth-down', protocolVersion: 5 })).rejects.toMatchObject({ code: 0x88 });
      await expect(connectClient(subPort, { clientId: 'while-auth-down-4' })).rejects.toMatchObject({ code: 3 });
    });
  }
});
