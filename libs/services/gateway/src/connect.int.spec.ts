import { decodeMessage, encodeGatewayCommand, subjects } from '@mqp/contracts';
import { ServiceUnavailableError } from '@mqp/model';
import type { IConnackPacket, IDisconnectPacket } from 'mqtt-packet';
import { closeClient, connectClient, RawClient, startTestGateway, type TestGateway } from './gateway.test-harness';

describe('gateway CONNECT', () => {
  let tg: TestGateway;
  const open: RawClient[] = [];

  beforeEach(async () => {
    tg = await startTestGateway({ connectTimeoutMs: 500 });
  });

  afterEach(async () => {
    for (const raw of open.splice(0)) raw.destroy();
    await tg.stop();
  });

  async function raw(version: 3 | 4 | 5 = 4): Promise<RawClient> {
    const r = await RawClient.open(tg.port, version);
    open.push(r);
    return r;
  }

  async function connack(version: 3 | 4 | 5, connect: Record<string, unknown> = {}): Promise<IConnackPacket> {
    const r = await raw(version);
    r.send({ cmd: 'connect', protocolVersion: version, protocolId: version === 3 ? 'MQIsdp' : 'MQTT', clientId: 'c1', clean: true, keepalive: 0, ...connect });
    const p = await r.next();
    if (p?.cmd !== 'connack') throw new Error(`expected CONNACK, got ${p?.cmd}`);
    return p;
  }

  it('accepts an MQTT 3.1.1 client and announces client.connected', async () => {
    const client = await connectClient(tg, { clientId: 'v4-client', protocolVersion: 4 });
    expect(client.connected).toBe(true);
    expect(tg.handle.connectionCount()).toBe(1);
    expect(tg.metrics.value('mqp_connections')).toBe(1);
    expect(await tg.nextEvent('client.connected', true)).toMatchObject({ clientId: 'v4-client', protocolVersion: 4, gatewayId: 'gw-test' });
    const disconnected = tg.nextEvent('client.disconnected');
    await closeClient(client);
    expect(await disconnected).toMatchObject({ clientId: 'v4-client', reason: 'connection_lost' });
    expect(tg.session.closed).toEqual(['v4-client']);
    expect(tg.handle.connectionCount()).toBe(0);
  });

  it('accepts an MQTT 5 client and advertises its limits in CONNACK', async () => {
    const p = await connack(5);
    expect(p.reasonCode).toBe(0);
    // Maximum QoS absent = 2 (MQTT 5.0 §3.2.2.3.4)
    expect(p.properties?.maximumQoS).toBeUndefined();
    expect(p.properties).toMatchObject({
      retainAvailable: true,
      wildcardSubscriptionAvailable: true,
      subscriptionIdentifiersAvailable: true,
      sharedSubscriptionAvailable: true,
      topicAliasMaximum: 10,
      maximumPacketSize: 1_048_576,
      receiveMaximum: 32,
    });
  });

  it('assigns a client id to an MQTT 5 client that sent none [MQTT-3.2.2-16]', async () => {
    const p = await connack(5, { clientId: '' });
    expect(p.reasonCode).toBe(0);
    expect(p.properties?.assignedClientIdentifier).toMatch(/^mqp-/);
  });

  it('assigns a client id to an MQTT 3.1.1 clean session client that sent none [MQTT-3.1.3-6]', async () => {
    const p = await connack(4, { clientId: '', clean: true });
    expect(p.returnCode).toBe(0);
  });

  it('refuses an empty client id with CleanSession 0 on MQTT 3.1.1 with return code 2 [MQTT-3.1.3-8]', async () => {
    const r = await raw(4);
    // mqtt-packet will not generate this CONNECT: level 4, flags 0x00 (CleanSession 0), keepalive 0, client id ""
    r.write([0x10, 0x0c, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00]);
    const p = (await r.next()) as IConnackPacket;
    expect(p.returnCode).toBe(2);
    await r.closed;
  });

  it('reports a normal DISCONNECT as the reason of client.disconnected', async () => {
    const client = await connectClient(tg, { clientId: 'polite' });
    const disconnected = tg.nextEvent('client.disconnected');
    await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
    expect(await disconnected).toMatchObject({ clientId: 'polite', reason: 'normal' });
  });

  it.each([
    ['bad_credentials', 4, 4],
    ['not_authorized', 4, 5],
    ['banned', 4, 5],
    ['bad_credentials', 5, 0x86],
    ['not_authorized', 5, 0x87],
    ['banned', 5, 0x8a],
  ] as const)('answers an auth deny (%s) on protocol %i with code %i and closes', async (reason, version, code) => {
    tg.auth.authenticateImpl = async () => ({ decision: 'deny', reason });
    const r = await raw(version);
    r.send({ cmd: 'connect', protocolVersion: version, protocolId: 'MQTT', clientId: 'c1', clean: true, keepalive: 0 });
    const p = (await r.next()) as IConnackPacket;
    expect(version === 5 ? p.reasonCode : p.returnCode).toBe(code);
    await r.closed;
    expect(tg.session.opened).toEqual([]);
  });

  it.each([
    [4, 3],
    [5, 0x88],
  ] as const)('fails closed when the auth service is unreachable: protocol %i gets server unavailable (%i)', async (version, code) => {
    tg.auth.authenticateImpl = async () => {
      throw new ServiceUnavailableError('auth is down');
    };
    const r = await raw(version);
    r.send({ cmd: 'connect', protocolVersion: version, protocolId: 'MQTT', clientId: 'c1', clean: true, keepalive: 0 });
    const p = (await r.next()) as IConnackPacket;
    expect(version === 5 ? p.reasonCode : p.returnCode).toBe(code);
    await r.closed;
    expect(tg.session.opened).toEqual([]);
  });

  it('answers server unavailable when the session service fails', async () => {
    tg.session.open = async () => {
      throw new Error('session store down');
    };
    const p = await connack(5);
    expect(p.reasonCode).toBe(0x88);
  });

  it('refuses an unsupported protocol level with return code 1 [MQTT-3.1.2-2]', async () => {
    const r = await raw(4);
    // CONNECT, protocol name MQTT, level 6
    r.write([0x10, 0x0f, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x06, 0x02, 0x00, 0x00, 0x00, 0x03, 0x61, 0x62, 0x63]);
    const p = (await r.next()) as IConnackPacket;
    expect(p.cmd).toBe('connack');
    expect(p.returnCode).toBe(1);
    await r.closed;
  });

  it('closes a connection whose first packet is not CONNECT, and only that one [MQTT-3.1.0-1]', async () => {
    const other = await connectClient(tg, { clientId: 'bystander' });
    const r = await raw(4);
    r.send({ cmd: 'pingreq' });
    await r.closed;
    expect(await r.next()).toBeUndefined();
    // the other client is unaffected
    await other.publishAsync('still/alive', 'x', { qos: 1 });
    expect(other.connected).toBe(true);
    await closeClient(other);
  });

  it('closes the connection on a second CONNECT [MQTT-3.1.0-2]', async () => {
    const r = await RawClient.connected(tg.port, 5);
    open.push(r);
    r.send({ cmd: 'connect', protocolVersion: 5, protocolId: 'MQTT', clientId: 'again', clean: true, keepalive: 0 });
    const p = (await r.next()) as IDisconnectPacket;
    expect(p.cmd).toBe('disconnect');
    expect(p.reasonCode).toBe(0x82);
    await r.closed;
  });

  it('closes a socket that sends no CONNECT within connectTimeoutMs', async () => {
    const r = await raw(4);
    const started = Date.now();
    await r.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });

  it('closes a client silent for 1.5 × keepalive, with DISCONNECT 0x8D on MQTT 5 [MQTT-3.1.2-24]', async () => {
    const r = await RawClient.connected(tg.port, 5, { keepalive: 1 });
    open.push(r);
    const started = Date.now();
    const p = (await r.next()) as IDisconnectPacket;
    expect(p.cmd).toBe('disconnect');
    expect(p.reasonCode).toBe(0x8d);
    await r.closed;
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    expect(elapsed).toBeLessThan(3000);
  });

  it('keeps a client that sends PINGREQ within its keepalive and answers PINGRESP [MQTT-3.12.4-1]', async () => {
    const r = await RawClient.connected(tg.port, 4, { keepalive: 1 });
    open.push(r);
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 600));
      r.send({ cmd: 'pingreq' });
      expect((await r.next())?.cmd).toBe('pingresp');
    }
  });

  it('closes a client sending a server-only packet, with DISCONNECT 0x82 on MQTT 5 [CVE-2021-28166]', async () => {
    const r = await RawClient.connected(tg.port, 5);
    open.push(r);
    r.send({ cmd: 'suback', messageId: 1, granted: [0] });
    const p = (await r.next()) as IDisconnectPacket;
    expect(p.cmd).toBe('disconnect');
    expect(p.reasonCode).toBe(0x82);
    await r.closed;
  });

  it('closes the connection named by a kick command with DISCONNECT 0x8E [MQTT-3.1.4-2]', async () => {
    const client = await connectClient(tg, { clientId: 'kicked', protocolVersion: 5 });
    const disconnect = new Promise<IDisconnectPacket>((resolve) => client.once('disconnect', resolve));
    const connectionId = tg.session.connectionIds.get('kicked') as string;
    tg.bus.publish(
      subjects.gatewayControl(tg.handle.gatewayId),
      encodeGatewayCommand({ kind: 'kick', clientId: 'kicked', connectionId, reasonCode: 0x8e }),
    );
    expect((await disconnect).reasonCode).toBe(0x8e);
    await closeClient(client);
  });

  it('closes a connection the session service ended while this gateway was cut off from the bus with DISCONNECT 0x9C, without its will and without handing its session over', async () => {
    const wills: string[] = [];
    tg.bus.subscribe(subjects.message('wills/cut-off'), (m) => wills.push(decodeMessage(m.data).payload.toString()));
    const client = await connectClient(tg, {
      clientId: 'cut-off',
      protocolVersion: 5,
      clean: false,
      properties: { sessionExpiryInterval: 300 },
      will: { topic: 'wills/cut-off', payload: Buffer.from('gone'), qos: 1, retain: false },
    });
    const disconnect = new Promise<IDisconnectPacket>((resolve) => client.once('disconnect', resolve));
    const connectionId = tg.session.connectionIds.get('cut-off') as string;
    tg.bus.publish(
      subjects.gatewayControl(tg.handle.gatewayId),
      encodeGatewayCommand({ kind: 'kick', clientId: 'cut-off', connectionId, reasonCode: 0x9c, ended: true }),
    );
    const packet = await disconnect;
    expect([packet.reasonCode, packet.properties?.reasonString]).toEqual([0x9c, 'this server lost the cluster and your session moved on: connect again']);
    await closeClient(client);
    await tg.bus.flush();
    await new Promise((r) => setTimeout(r, 50));
    // the session service already published the will and holds the session: neither is done twice
    expect(wills).toEqual([]);
    expect(tg.session.closed).not.toContain('cut-off');
    expect(tg.session.kept.has('cut-off')).toBe(false);
  });

  it('publishes the wills of connected clients when the gateway stops, before stop() resolves', async () => {
    const wills: string[] = [];
    tg.bus.subscribe(subjects.message('wills/shutdown'), (m) => wills.push(decodeMessage(m.data).payload.toString()));
    const leaving = await RawClient.connected(tg.port, 4, { clientId: 'leaving', will: { topic: 'wills/shutdown', payload: Buffer.from('bye'), qos: 0, retain: false } });
    open.push(leaving);
    await tg.instance.stop?.();
    await tg.bus.flush();
    expect(wills).toEqual(['bye']);
  });

  it('tells MQTT 5 clients the server is shutting down (0x8B) on stop', async () => {
    const client = await connectClient(tg, { clientId: 'bye', protocolVersion: 5 });
    expect(tg.instance.health?.()).toEqual({ healthy: true });
    const disconnect = new Promise<IDisconnectPacket>((resolve) => client.once('disconnect', resolve));
    await tg.stop();
    expect((await disconnect).reasonCode).toBe(0x8b);
    expect(tg.instance.health?.().healthy).toBe(false);
    await closeClient(client);
  });
});
