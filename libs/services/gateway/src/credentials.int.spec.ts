import type { AuthDenyReason } from '@mqp/contracts';
import { RawClient, startTestGateway, type TestGateway } from './gateway.test-harness';

/** What the gateway does with the answer of authenticate: rights sent back with each authorize, expiry, refusal codes. */
describe('gateway and the authenticate answer', () => {
  let tg: TestGateway;
  const open: RawClient[] = [];

  beforeEach(async () => {
    tg = await startTestGateway();
  });

  afterEach(async () => {
    for (const raw of open.splice(0)) raw.destroy();
    await tg.stop();
  });

  async function connected(version: 4 | 5, clientId = 'c1'): Promise<RawClient> {
    const raw = await RawClient.connected(tg.port, version, { clientId });
    open.push(raw);
    return raw;
  }

  it('sends remoteAddress, superuser and the connection ACL back with every authorize', async () => {
    const acl = [{ permission: 'allow' as const, action: 'publish' as const, topics: ['a/#'] }];
    tg.auth.authenticateImpl = async () => ({ decision: 'allow', superuser: true, acl });
    const raw = await connected(5);
    raw.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a/c', qos: 0 }] });
    expect(await raw.next()).toMatchObject({ cmd: 'suback' });
    raw.send({ cmd: 'publish', topic: 'a/b', payload: Buffer.from('x'), qos: 1, messageId: 2, retain: false, dup: false });
    expect(await raw.next()).toMatchObject({ cmd: 'puback' });
    const calls = tg.auth.authorizeCalls.filter((c) => c.topic.startsWith('a/'));
    expect(calls.map((c) => c.action).sort()).toEqual(['publish', 'subscribe']);
    for (const call of calls) {
      expect(call).toMatchObject({ clientId: 'c1', superuser: true, connectionAcl: acl });
      expect(call.remoteAddress).toMatch(/127\.0\.0\.1$/);
    }
  });

  it('disconnects an MQTT 5 client with 0x87 Not authorized when its credentials expire', async () => {
    tg.auth.authenticateImpl = async () => ({ decision: 'allow', superuser: false, expiresAt: Date.now() + 300 });
    const raw = await connected(5);
    const started = Date.now();
    expect(await raw.next()).toMatchObject({ cmd: 'disconnect', reasonCode: 0x87 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await raw.closed;
  });

  it('closes the socket of an MQTT 3.1.1 client when its credentials expire', async () => {
    tg.auth.authenticateImpl = async () => ({ decision: 'allow', superuser: false, expiresAt: Date.now() + 200 });
    const raw = await connected(4);
    expect(await raw.next()).toBeUndefined();
  });

  it('keeps a client whose credentials expire far in the future (beyond the 24.8-day timer limit)', async () => {
    tg.auth.authenticateImpl = async () => ({ decision: 'allow', superuser: false, expiresAt: Date.now() + 40 * 24 * 3600 * 1000 });
    const raw = await connected(5);
    raw.send({ cmd: 'pingreq' });
    expect(await raw.next()).toMatchObject({ cmd: 'pingresp' });
  });

  it.each([
    ['banned', 5, 0x8a],
    ['banned', 4, 5],
    ['unavailable', 5, 0x88],
    ['unavailable', 4, 3],
  ] as Array<[AuthDenyReason, 4 | 5, number]>)('refuses a %s client with CONNACK code for v%s: %s', async (reason, version, code) => {
    tg.auth.authenticateImpl = async () => ({ decision: 'deny', reason });
    const raw = await RawClient.open(tg.port, version);
    open.push(raw);
    raw.send({ cmd: 'connect', protocolVersion: version, protocolId: 'MQTT', clientId: 'c1', clean: true, keepalive: 0 });
    const connack = await raw.next();
    expect(connack).toMatchObject({ cmd: 'connack' });
    expect(version === 5 ? (connack as { reasonCode?: number }).reasonCode : (connack as { returnCode?: number }).returnCode).toBe(code);
  });
});
