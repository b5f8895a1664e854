/**
 * Auth changes reach live connections across processes: the auth service
 * announces them on the bus and every gateway re-checks. Run against both
 * deployments through the store the operator writes with the CLI (`mqp acl`,
 * `mqp data import`), which the auth service polls; split mode also through
 * the auth service's gRPC API (replaceAcl, ban), which a standalone process
 * does not open (it serves no other process).
 */
import { AuthGrpcClient } from '@mqp/contracts';
import type { Deployment } from '@mqp/testing';
import type { MqttClient } from 'mqtt';
import { DEPLOYMENTS } from './support/deployments';
import { connectOutcome } from './support/connect-outcome';
import { closeAllClients, connectClient, Inbox, withTimeout } from './support/mqtt-clients';
import { mqpOk } from './support/mqp-cli';

/**
 * Publishes `x` then a `y` marker (same publisher, so in order) until `x` no
 * longer comes before the marker, within 10 s (the re-check is asynchronous).
 */
async function untilRevoked(pub: MqttClient, inbox: Inbox, x: string, y: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  const round = async (): Promise<string[]> => {
    const n = inbox.messages.length;
    await pub.publishAsync(x, 'after', { qos: 1 });
    await pub.publishAsync(y, 'marker', { qos: 1 });
    let got = await inbox.waitFor(n + 1);
    while (!got.slice(n).some((m) => m.topic === y)) got = await inbox.waitFor(got.length + 1);
    return got.slice(n).map((m) => m.topic);
  };
  while ((await round()).includes(x)) {
    if (Date.now() > deadline) throw new Error(`${x} still delivered 10 s after the rule change`);
  }
}

describe.each(DEPLOYMENTS)('auth changes on mqp %s', (kind, start) => {
  let deployment: Deployment;
  /** Subscriber and publisher sit on different gateways when there are two. */
  let first: number;
  let second: number;

  beforeAll(async () => {
    deployment = await start();
    first = deployment.mqttPorts[0]!;
    second = deployment.mqttPorts[deployment.mqttPorts.length - 1]!;
  }, 90_000);
  afterEach(() => closeAllClients());
  afterAll(async () => {
    await deployment?.stop();
  });

  it('a subscriber of sx/# stops receiving within seconds of mqp acl add denying it, on the other gateway too', async () => {
    const sub = await connectClient(first, { clientId: `${kind}-store-acl-sub` });
    const pub = await connectClient(second, { clientId: `${kind}-store-acl-pub` });
    const inbox = new Inbox(sub);
    await sub.subscribeAsync(['sx/#', 'sy/#'], { qos: 1 });
    await pub.publishAsync('sx/1', 'before', { qos: 1 });
    expect((await inbox.waitFor(1)).map((m) => m.topic)).toEqual(['sx/1']);

    // allow-all first (no rules at all also allows all), then the deny in front of it: every state in between allows publishing
    await mqpOk(['acl', 'add', '--permission', 'allow', '--action', 'all', '--topic', '#', '--data-dir', deployment.dataDir]);
    await mqpOk(['acl', 'add', '--permission', 'deny', '--action', 'subscribe', '--topic', 'sx/#', '--position', '0', '--data-dir', deployment.dataDir]);
    await untilRevoked(pub, inbox, 'sx/1', 'sy/1');
    const n = inbox.messages.length;
    await pub.publishAsync('sx/2', 'after', { qos: 1 });
    await pub.publishAsync('sy/2', 'marker', { qos: 1 });
    expect((await inbox.waitFor(n + 1)).slice(n).map((m) => m.topic)).toEqual(['sy/2']);
  }, 30_000);

  it('a ban imported into the store (mqp data import) disconnects the live client it names (0x98), and its next CONNECT gets 0x8A', async () => {
    const clientId = `${kind}-store-banned`;
    const client = await connectClient(first, { clientId, protocolVersion: 5 });
    const gone = new Promise<number | undefined>((resolve) => client.once('disconnect', (packet) => resolve(packet.reasonCode)));
    const lines = [{ kind: 'header', format: 'mqp-data', version: 1 }, { kind: 'ban', ban: { kind: 'clientid', value: clientId, reason: 'e2e' } }];
    await mqpOk(['data', 'import', '--data-dir', deployment.dataDir], lines.map((l) => JSON.stringify(l)).join('\n'));
    // 0x98 Administrative action: 0x8A Banned is a CONNACK code only
    expect(await withTimeout(gone, 10_000, 'DISCONNECT after the imported ban')).toBe(0x98);
    expect((await connectOutcome(`mqtt://127.0.0.1:${second}`, { clientId, protocolVersion: 5 })).code).toBe(0x8a);
  }, 30_000);

  // After the store tests: rules set through the API come before the store's and would hide them.
  if (kind !== 'split') return;

  describe('through the auth gRPC API', () => {
    let auth: AuthGrpcClient;
    beforeAll(() => {
      auth = new AuthGrpcClient(`127.0.0.1:${deployment.processes.get('auth')!.ports.grpc}`);
    });
    afterAll(() => auth?.closeChannel());

    it('a subscriber of x/# stops receiving once replaceAcl revokes it, on the other gateway too', async () => {
      const sub = await connectClient(first, { clientId: 'e2e-acl-sub' });
      const pub = await connectClient(second, { clientId: 'e2e-acl-pub' });
      const inbox = new Inbox(sub);
      await sub.subscribeAsync(['x/#', 'y/#'], { qos: 1 });
      await pub.publishAsync('x/1', 'before', { qos: 1 });
      expect((await inbox.waitFor(1)).map((m) => m.topic)).toEqual(['x/1']);

      // everyone may do anything but subscribe to x/#: explicit, so the store's rules (checked after these) change nothing
      await auth.replaceAcl({
        rules: [
          { permission: 'deny', action: 'subscribe', topics: ['x/#'] },
          { permission: 'allow', action: 'all', topics: ['#'] },
        ],
      });
      try {
        await untilRevoked(pub, inbox, 'x/1', 'y/1');
        const n = inbox.messages.length;
        await pub.publishAsync('x/2', 'after', { qos: 1 });
        await pub.publishAsync('y/2', 'marker', { qos: 1 });
        expect((await inbox.waitFor(n + 1)).slice(n).map((m) => m.topic)).toEqual(['y/2']);
      } finally {
        await auth.replaceAcl({ rules: [] });
      }
    }, 30_000);

    it('a ban through the API disconnects the live client it names', async () => {
      const client = await connectClient(first, { clientId: 'e2e-banned', protocolVersion: 5 });
      const gone = new Promise<number | undefined>((resolve) => client.once('disconnect', (packet) => resolve(packet.reasonCode)));
      await auth.ban({ kind: 'clientid', value: 'e2e-banned' });
      // 0x98 Administrative action: 0x8A Banned is a CONNACK code only
      expect(await gone).toBe(0x98);
    }, 30_000);
  });
});
