import type { IncomingMessage } from 'node:http';
import type { AuthenticateRequest } from '@mqp/contracts';
import { createTestCertificates, type TestCertificates } from '@mqp/testing';
import mqtt from 'mqtt';
import { generate, parser as createParser, type Packet } from 'mqtt-packet';
import { WebSocket } from 'ws';
import { closeClient, connectClient, nextMessage, startTestGateway, type TestGateway } from '../gateway.test-harness';

/** Opens a WebSocket; resolves once open, or with the HTTP status that refused the upgrade. */
function openWs(url: string, protocols: string[] | undefined, options: { ca?: Buffer } = {}): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, options);
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res: IncomingMessage) => {
      resolve({ status: res.statusCode });
      res.resume();
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

/** MQTT packets parsed from the binary messages a WebSocket receives; undefined once it closed. */
function packetsOf(ws: WebSocket, protocolVersion = 4): () => Promise<Packet | undefined> {
  const parser = createParser({ protocolVersion });
  const queue: Packet[] = [];
  const waiters: ((p: Packet | undefined) => void)[] = [];
  let closed = false;
  parser.on('packet', (p: Packet) => (waiters.length > 0 ? waiters.shift()!(p) : queue.push(p)));
  ws.on('message', (data: Buffer) => parser.parse(data));
  ws.on('close', () => {
    closed = true;
    for (const w of waiters.splice(0)) w(undefined);
  });
  return () => (queue.length > 0 ? Promise.resolve(queue.shift()) : closed ? Promise.resolve(undefined) : new Promise((r) => waiters.push(r)));
}

const connectBytes = (clientId: string): Buffer => generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId, clean: true, keepalive: 0 });

describe('WebSocket listener', () => {
  let tg: TestGateway;
  const authRequests: AuthenticateRequest[] = [];
  beforeAll(async () => {
    tg = await startTestGateway({}, undefined, { ws: { enabled: true, port: 0, host: '127.0.0.1' } });
    tg.auth.authenticateImpl = async (req) => {
      authRequests.push(req);
      return { decision: 'allow', superuser: false };
    };
  });
  afterAll(() => tg.stop());
  const wsUrl = (path = '/mqtt'): string => `ws://127.0.0.1:${tg.handle.ports().ws}${path}`;

  it('carries MQTT over WebSocket at /mqtt: pub/sub between a WebSocket and a TCP client', async () => {
    const wsClient = await mqtt.connectAsync(wsUrl(), { clientId: 'ws-sub', reconnectPeriod: 0 });
    const tcp = await connectClient(tg, { clientId: 'tcp-peer' });
    try {
      await wsClient.subscribeAsync('t/ws', { qos: 1 });
      await tcp.subscribeAsync('t/back', { qos: 1 });
      const toWs = nextMessage(wsClient);
      await tcp.publishAsync('t/ws', 'to ws', { qos: 1 });
      expect((await toWs).payload.toString()).toBe('to ws');
      const toTcp = nextMessage(tcp);
      await wsClient.publishAsync('t/back', 'from ws', { qos: 1 });
      expect((await toTcp).payload.toString()).toBe('from ws');
      // the address is the TCP peer's
      expect(authRequests.find((r) => r.clientId === 'ws-sub')?.remoteAddress).toBe('127.0.0.1');
    } finally {
      await closeClient(wsClient);
      await closeClient(tcp);
    }
  });

  it('answers the subprotocol "mqtt" [MQTT-6.0.0-4], and "mqttv3.1" to a client that offers only that', async () => {
    const a = await openWs(wsUrl(), ['mqtt']);
    expect(a.ws?.protocol).toBe('mqtt');
    a.ws?.terminate();
    const b = await openWs(wsUrl(), ['mqttv3.1']);
    expect(b.ws?.protocol).toBe('mqttv3.1');
    b.ws?.terminate();
  });

  it('refuses an upgrade to another path with 404', async () => {
    expect((await openWs(wsUrl('/other'), ['mqtt'])).status).toBe(404);
    expect((await openWs(wsUrl('/mqtt/x'), ['mqtt'])).status).toBe(404);
  });

  it('refuses an upgrade that offers no MQTT subprotocol [MQTT-6.0.0-3]', async () => {
    expect((await openWs(wsUrl(), undefined)).status).toBe(400);
    expect((await openWs(wsUrl(), ['chat'])).status).toBe(400);
  });

  it('answers a plain HTTP request on the path with 426 and elsewhere with 404', async () => {
    const base = `http://127.0.0.1:${tg.handle.ports().ws}`;
    expect((await fetch(`${base}/mqtt`)).status).toBe(426);
    expect((await fetch(`${base}/`)).status).toBe(404);
  });

  it('reads packets split across messages and several packets in one message [MQTT-6.0.0-2]', async () => {
    const { ws } = await openWs(wsUrl(), ['mqtt']);
    const next = packetsOf(ws!);
    const connect = connectBytes('ws-split');
    const ping = generate({ cmd: 'pingreq' });
    ws!.send(connect.subarray(0, 3));
    ws!.send(Buffer.concat([connect.subarray(3), ping, ping]));
    expect(await next()).toMatchObject({ cmd: 'connack', returnCode: 0 });
    expect(await next()).toMatchObject({ cmd: 'pingresp' });
    expect(await next()).toMatchObject({ cmd: 'pingresp' });
    ws!.terminate();
  });

  it('closes the connection on a text frame [MQTT-6.0.0-1]', async () => {
    const { ws } = await openWs(wsUrl(), ['mqtt']);
    const next = packetsOf(ws!);
    ws!.send(connectBytes('ws-text'));
    expect(await next()).toMatchObject({ cmd: 'connack', returnCode: 0 });
    const closed = new Promise<void>((resolve) => ws!.once('close', () => resolve()));
    ws!.send(generate({ cmd: 'pingreq' }).toString('latin1'));
    await closed;
    expect(await next()).toBeUndefined();
  });

  it('closes the connection when the client closes its WebSocket, and the gateway forgets it', async () => {
    const { ws } = await openWs(wsUrl(), ['mqtt']);
    const next = packetsOf(ws!);
    ws!.send(connectBytes('ws-leaves'));
    expect(await next()).toMatchObject({ cmd: 'connack', returnCode: 0 });
    const before = tg.handle.connectionCount();
    const gone = tg.nextEvent('client.disconnected');
    ws!.close();
    expect(await gone).toMatchObject({ clientId: 'ws-leaves' });
    expect(tg.handle.connectionCount()).toBe(before - 1);
  });

  it('refuses a WebSocket message larger than the maximum packet size', async () => {
    const { ws } = await openWs(wsUrl(), ['mqtt']);
    const code = await new Promise<number>((resolve) => {
      ws!.once('close', (c) => resolve(c));
      ws!.send(Buffer.alloc(1_048_577));
    });
    // 1009: message too big (RFC 6455 §7.4.1)
    expect(code).toBe(1009);
  });
});

describe('WSS listener', () => {
  let certs: TestCertificates;
  let tg: TestGateway;
  beforeAll(async () => {
    certs = createTestCertificates();
    tg = await startTestGateway({}, undefined, {
      ws: { enabled: true, port: 0, host: '127.0.0.1' },
      wss: { enabled: true, port: 0, host: '127.0.0.1', certFile: certs.serverCertFile, keyFile: certs.serverKeyFile },
    });
  });
  afterAll(async () => {
    await tg.stop();
    certs.remove();
  });

  it('carries MQTT over WebSocket over TLS at /mqtt', async () => {
    const ports = tg.handle.ports();
    expect(ports.wss).toBeGreaterThan(0);
    const sub = await mqtt.connectAsync(`wss://127.0.0.1:${ports.wss}/mqtt`, { ca: certs.ca, clientId: 'wss-sub', reconnectPeriod: 0 });
    const pub = await mqtt.connectAsync(`ws://127.0.0.1:${ports.ws}/mqtt`, { clientId: 'ws-pub', reconnectPeriod: 0 });
    try {
      await sub.subscribeAsync('t/wss', { qos: 1 });
      const got = nextMessage(sub);
      await pub.publishAsync('t/wss', 'over wss', { qos: 1 });
      expect((await got).payload.toString()).toBe('over wss');
    } finally {
      await closeClient(sub);
      await closeClient(pub);
    }
  });

  it('stops every listener on stop', async () => {
    const ports = tg.handle.ports();
    await tg.stop();
    expect(tg.handle.ports()).toEqual({});
    expect(tg.instance.health?.()).toMatchObject({ healthy: false });
    for (const port of [ports.tcp, ports.ws, ports.wss]) {
      await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
    }
  });
});
