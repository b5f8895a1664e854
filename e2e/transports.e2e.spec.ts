/**
 * MQTT over every listener of the real binary: TCP, TLS (8883), WebSocket
 * (8083 `/mqtt`) and WebSocket over TLS (8084), all enabled through the
 * config file, with certificates made for the test.
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { createTestCertificates, startSplit, startStandalone, type Deployment, type PlatformProcess, type TestCertificates } from '@mqp/testing';
import { Inbox } from './support/mqtt-clients';

const clients = new Set<MqttClient>();

/** An MQTT.js client on any transport URL; rejects if the connection ends before CONNACK. */
async function connectUrl(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options });
  clients.add(client);
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
    client.once('close', () => reject(new Error(`connection to ${url} closed before CONNACK`)));
  });
  return client;
}

function transportsConfig(certs: TestCertificates): Record<string, unknown> {
  const tlsFiles = { certFile: certs.serverCertFile, keyFile: certs.serverKeyFile };
  return {
    listeners: {
      tls: { enabled: true, port: 0, host: '127.0.0.1', ...tlsFiles },
      ws: { enabled: true, port: 0, host: '127.0.0.1' },
      wss: { enabled: true, port: 0, host: '127.0.0.1', ...tlsFiles },
    },
  };
}

function urls(proc: PlatformProcess): { tcp: string; tls: string; ws: string; wss: string } {
  const p = proc.ports;
  return {
    tcp: `mqtt://127.0.0.1:${p.mqtt}`,
    tls: `mqtts://127.0.0.1:${p.tls}`,
    ws: `ws://127.0.0.1:${p.ws}/mqtt`,
    wss: `wss://127.0.0.1:${p.wss}/mqtt`,
  };
}

describe('MQTT transports', () => {
  let certs: TestCertificates;
  beforeAll(() => {
    certs = createTestCertificates();
  });
  afterAll(() => certs.remove());
  afterEach(async () => {
    await Promise.all([...clients].map((c) => c.endAsync(true).catch(() => undefined)));
    clients.clear();
  });

  describe('standalone', () => {
    let deployment: Deployment;
    beforeAll(async () => {
      deployment = await startStandalone({ config: transportsConfig(certs) });
    }, 60_000);
    afterAll(() => deployment?.stop());

    it('logs every bound listener port in the "mqp started" line', () => {
      const ports = deployment.processes.get('standalone')!.ports;
      for (const port of [ports.mqtt, ports.tls, ports.ws, ports.wss]) expect(port).toBeGreaterThan(0);
      expect(new Set([ports.mqtt, ports.tls, ports.ws, ports.wss]).size).toBe(4);
    });

    it('delivers a message published over TCP to subscribers over TLS, WS and WSS', async () => {
      const u = urls(deployment.processes.get('standalone')!);
      const subs = await Promise.all([
        connectUrl(u.tls, { ca: certs.ca, clientId: 'sub-tls' }),
        connectUrl(u.ws, { clientId: 'sub-ws' }),
        connectUrl(u.wss, { ca: certs.ca, clientId: 'sub-wss' }),
      ]);
      const inboxes = subs.map((s) => new Inbox(s));
      await Promise.all(subs.map((s) => s.subscribeAsync('transports/#', { qos: 1 })));
      const pub = await connectUrl(u.tcp, { clientId: 'pub-tcp' });
      await pub.publishAsync('transports/one', 'to every transport', { qos: 1 });
      for (const inbox of inboxes) {
        const [m] = await inbox.waitFor(1);
        expect(m).toMatchObject({ topic: 'transports/one', payload: 'to every transport' });
      }
    });

    it('refuses a TLS client that does not trust the server certificate', async () => {
      const u = urls(deployment.processes.get('standalone')!);
      await expect(connectUrl(u.tls, { clientId: 'untrusting' })).rejects.toThrow(/certificate/);
    });
  });

  describe('split', () => {
    let deployment: Deployment;
    beforeAll(async () => {
      deployment = await startSplit({ config: transportsConfig(certs) });
    }, 90_000);
    afterAll(() => deployment?.stop());

    it('delivers from a WebSocket client on gateway 1 to a TCP subscriber on gateway 2, and from TCP on 2 to WSS on 1', async () => {
      const gw1 = urls(deployment.processes.get('gateway-1')!);
      const gw2 = urls(deployment.processes.get('gateway-2')!);
      const tcpSub = await connectUrl(gw2.tcp, { clientId: 'split-sub-tcp' });
      const wssSub = await connectUrl(gw1.wss, { ca: certs.ca, clientId: 'split-sub-wss' });
      const tcpInbox = new Inbox(tcpSub);
      const wssInbox = new Inbox(wssSub);
      await tcpSub.subscribeAsync('split/ws', { qos: 1 });
      await wssSub.subscribeAsync('split/tcp', { qos: 1 });

      const wsPub = await connectUrl(gw1.ws, { clientId: 'split-pub-ws' });
      await wsPub.publishAsync('split/ws', 'ws on gw1', { qos: 1 });
      expect((await tcpInbox.waitFor(1))[0]).toMatchObject({ topic: 'split/ws', payload: 'ws on gw1' });

      const tcpPub = await connectUrl(gw2.tcp, { clientId: 'split-pub-tcp' });
      await tcpPub.publishAsync('split/tcp', 'tcp on gw2', { qos: 1 });
      expect((await wssInbox.waitFor(1))[0]).toMatchObject({ topic: 'split/tcp', payload: 'tcp on gw2' });
    });
  });
});
