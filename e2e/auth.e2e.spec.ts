/**
 * Auth rule changes reach live connections across processes: the auth
 * service announces them on the bus and every gateway re-checks. Split mode
 * only: the auth service is reached through its gRPC port, which a
 * standalone process does not open (it serves no other process), and
 * nothing new is exposed for the test.
 */
import { AuthGrpcClient } from '@mqp/contracts';
import { startSplit, type Deployment } from '@mqp/testing';
import { closeAllClients, connectClient, Inbox } from './support/mqtt-clients';

describe('auth changes on mqp split', () => {
  let deployment: Deployment;
  let auth: AuthGrpcClient;

  beforeAll(async () => {
    deployment = await startSplit();
    auth = new AuthGrpcClient(`127.0.0.1:${deployment.processes.get('auth')!.ports.grpc}`);
  }, 90_000);
  afterEach(() => closeAllClients());
  afterAll(async () => {
    auth?.closeChannel();
    await deployment?.stop();
  });

  it('a subscriber of x/# stops receiving once replaceAcl revokes it, on the other gateway too', async () => {
    const first = deployment.mqttPorts[0]!;
    const second = deployment.mqttPorts[deployment.mqttPorts.length - 1]!;
    const sub = await connectClient(first, { clientId: 'e2e-acl-sub' });
    const pub = await connectClient(second, { clientId: 'e2e-acl-pub' });
    const inbox = new Inbox(sub);
    await sub.subscribeAsync(['x/#', 'y/#'], { qos: 1 });
    await pub.publishAsync('x/1', 'before', { qos: 1 });
    expect((await inbox.waitFor(1)).map((m) => m.topic)).toEqual(['x/1']);

    // everyone may publish anywhere, subscribe only to y/#
    await auth.replaceAcl({
      rules: [
        { permission: 'allow', action: 'publish', topics: ['#'] },
        { permission: 'allow', action: 'subscribe', topics: ['y/#'] },
      ],
    });
    // the re-check is asynchronous: publish x/1 then a y/1 marker (same publisher, so in order) until x/1 no longer comes before it
    const deadline = Date.now() + 5_000;
    const round = async (x: string, y: string): Promise<string[]> => {
      const n = inbox.messages.length;
      await pub.publishAsync(x, 'after', { qos: 1 });
      await pub.publishAsync(y, 'marker', { qos: 1 });
      let got = await inbox.waitFor(n + 1);
      while (!got.slice(n).some((m) => m.topic === y)) got = await inbox.waitFor(got.length + 1);
      return got.slice(n).map((m) => m.topic);
    };
    while ((await round('x/1', 'y/1')).includes('x/1')) {
      if (Date.now() > deadline) throw new Error('x/1 still delivered after replaceAcl');
    }
    expect(await round('x/2', 'y/2')).toEqual(['y/2']);
  }, 30_000);

  it('a ban through the API disconnects the live client it names', async () => {
    const client = await connectClient(deployment.mqttPorts[0]!, { clientId: 'e2e-banned', protocolVersion: 5 });
    const gone = new Promise<number | undefined>((resolve) => client.once('disconnect', (packet) => resolve(packet.reasonCode)));
    await auth.ban({ kind: 'clientid', value: 'e2e-banned' });
    // 0x98 Administrative action: 0x8A Banned is a CONNACK code only
    expect(await gone).toBe(0x98);
  }, 30_000);
});
