import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { NatsBus } from '@mqp/bus';
import { silentLogger } from '@mqp/runtime';
import type { MqttClient } from 'mqtt';
import { closeClient, connectClient, expectEachLevelsFraming, expectForwardedPackets, startTestGateway, type TestGateway } from './gateway.test-harness';

/**
 * Distributed mode: two gateways, each with its own NATS connection, one
 * nats-server. Fan-out between them happens in NATS through each gateway's
 * per-filter subscriptions. (libs/testing has a richer nats-server helper,
 * but a service may not depend on it; this is the smallest stand-in.)
 */
describe('gateways over NATS', () => {
  let nats: ChildProcess;
  let url: string;
  const buses: NatsBus[] = [];
  let gwA: TestGateway;
  let gwB: TestGateway;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    const port = await freePort();
    url = `nats://127.0.0.1:${port}`;
    nats = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let log = '';
      nats.stderr?.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (/Server is ready/.test(log)) resolve();
      });
      nats.once('exit', (code) => reject(new Error(`nats-server exited with ${code}: ${log}`)));
    });
    for (let i = 0; i < 2; i++) buses.push(await NatsBus.connect({ servers: url, logger: silentLogger }));
    gwA = await startTestGateway({ id: 'gw-a' }, buses[0]);
    gwB = await startTestGateway({ id: 'gw-b' }, buses[1]);
  });

  afterAll(async () => {
    await Promise.all(clients.map(closeClient));
    await gwA?.stop();
    await gwB?.stop();
    for (const b of buses) await b.close();
    if (nats && nats.exitCode === null) {
      const exited = new Promise((resolve) => nats.once('exit', resolve));
      nats.kill('SIGTERM');
      await exited;
    }
  });

  it('delivers a message published on one gateway to a subscriber on another, once per client at its max QoS', async () => {
    const sub = await connectClient(gwB, { clientId: 'sub-b', protocolVersion: 5 });
    clients.push(sub);
    await sub.subscribeAsync({ 'home/#': { qos: 0 }, 'home/+/temp': { qos: 1 }, '#': { qos: 0 }, end: { qos: 0 } });
    const got: { topic: string; qos: number }[] = [];
    const done = new Promise<void>((resolve) =>
      sub.on('message', (topic, _payload, packet) => {
        if (topic === 'end') resolve();
        else got.push({ topic, qos: packet.qos });
      }),
    );
    const pub = await connectClient(gwA, { clientId: 'pub-a', protocolVersion: 5 });
    clients.push(pub);
    await pub.publishAsync('home/kitchen/temp', '21', { qos: 1 });
    await pub.publishAsync('home', 'parent level', { qos: 1 });
    await pub.publishAsync('elsewhere', 'x', { qos: 1 });
    await pub.publishAsync('end', '', { qos: 1 });
    await done;
    expect(got).toEqual([
      { topic: 'home/kitchen/temp', qos: 1 },
      { topic: 'home', qos: 0 },
      { topic: 'elsewhere', qos: 0 },
    ]);
  });

  it('forwards a QoS 0 PUBLISH across gateways to every level in its own framing [MQTT-3.3.1-9] [MQTT-3.3.4-3]', async () => {
    // the envelope on NATS carries the message's MQTT 3.1.1 packet, which the receiving gateway may write as it is
    await expectEachLevelsFraming(gwB.port, gwA.port);
  });

  it('delivers a QoS 0 message across gateways as the packet its envelope carries only as each client may take it [MQTT-3.8.3-3] [MQTT-3.1.2-24]', async () => {
    await expectForwardedPackets(gwB.port, gwA.port);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
