import type { IDisconnectPacket, IPublishPacket } from 'mqtt-packet';
import { closeClient, connectClient, type RawClient, useGatewayWithBystander } from './gateway.test-harness';

/** HOSTILE-INPUTS.md: each input gets the spec's reaction and costs only its own connection. */
describe('gateway against hostile input', () => {
  const gw = useGatewayWithBystander();
  const raw = (version: 4 | 5 = 4): Promise<RawClient> => gw.open(version);
  const connected = (version: 4 | 5, clientId = 'hostile', extra: Record<string, unknown> = {}): Promise<RawClient> => gw.connected(version, { clientId, ...extra });

  it('closes on a huge Remaining Length before CONNECT without buffering it [CVE-2017-7651]', async () => {
    const r = await raw();
    r.write([0x10, 0xff, 0xff, 0xff, 0x7f]);
    await r.closed;
    expect(gw.tg.metrics.value('mqp_packets_malformed_total')).toBe(1);
  });

  it('closes on a Remaining Length encoded in 5 bytes [MQTT-1.5.5]', async () => {
    const r = await raw();
    r.write([0x10, 0x80, 0x80, 0x80, 0x80, 0x01]);
    await r.closed;
  });

  it.each(['83', 'a0', '60', 'e1'])('closes a connected client sending reserved flag bits (first byte 0x%s) [MQTT-2.2.2-2]', async (first) => {
    const r = await connected(5);
    r.write([parseInt(first, 16), 0x00]);
    const p = (await r.next()) as IDisconnectPacket | undefined;
    expect(p?.cmd).toBe('disconnect');
    expect(p?.reasonCode).toBe(0x81);
    await r.closed;
  });

  it('closes a v5 client that exceeds the Receive Maximum with DISCONNECT 0x93 [MQTT-3.3.4-9]', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    gw.tg.auth.authorizeImpl = async () => {
      await gate;
      return true;
    };
    const r = await connected(5);
    for (let i = 1; i <= 40; i++) r.send({ cmd: 'publish', topic: 'flood', payload: Buffer.from('x'), qos: 1, messageId: i, retain: false, dup: false });
    let p = await r.next();
    release();
    while (p?.cmd === 'puback') p = await r.next();
    expect(p).toMatchObject({ cmd: 'disconnect', reasonCode: 0x93 });
    await r.closed;
  });

  it('refuses a topic alias above the Topic Alias Maximum (10), with DISCONNECT 0x94 [MQTT-3.3.2-9]', async () => {
    const r = await connected(5);
    r.send({ cmd: 'publish', topic: 'a', payload: Buffer.from('x'), qos: 0, retain: false, dup: false, properties: { topicAlias: 11 } });
    expect(await r.next()).toMatchObject({ cmd: 'disconnect', reasonCode: 0x94 });
    await r.closed;
  });

  it('treats __proto__ and constructor as ordinary client ids and topics [aedes GHSA-52qw-whmv-87c5]', async () => {
    const r = await connected(5, '__proto__');
    r.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'constructor', qos: 1 }, { topic: '__proto__/#', qos: 0 }] });
    expect(await r.next()).toMatchObject({ cmd: 'suback', granted: [1, 0] });
    const pub = await connectClient(gw.tg, { clientId: 'constructor', protocolVersion: 5 });
    await pub.publishAsync('constructor', 'c', { qos: 1, properties: { userProperties: { __proto__: 'p', toString: 't' } as Record<string, string> } });
    await pub.publishAsync('__proto__/toString', 'p', { qos: 0 });
    const first = (await r.next()) as IPublishPacket;
    const second = (await r.next()) as IPublishPacket;
    expect([first.topic, second.topic]).toEqual(['constructor', '__proto__/toString']);
    await closeClient(pub);
  });

  it('does not send a PUBLISH larger than the Maximum Packet Size the client gave [MQTT-3.1.2-24]', async () => {
    const r = await connected(5, 'small', { properties: { maximumPacketSize: 128 } });
    r.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'size/#', qos: 0 }] });
    expect((await r.next())?.cmd).toBe('suback');
    const pub = await connectClient(gw.tg, { clientId: 'pub', protocolVersion: 5 });
    await pub.publishAsync('size/big', Buffer.alloc(500), { qos: 1 });
    await pub.publishAsync('size/small', 'ok', { qos: 1 });
    expect(((await r.next()) as IPublishPacket).topic).toBe('size/small');
    await closeClient(pub);
  });

  it('publishes the will of a client that vanished, and not of one that sent DISCONNECT [MQTT-3.1.2-8] [MQTT-3.14.4-3]', async () => {
    const watcher = await connectClient(gw.tg, { clientId: 'watcher' });
    await watcher.subscribeAsync('wills/#');
    const got: string[] = [];
    watcher.on('message', (topic) => got.push(topic));

    const polite = await connectClient(gw.tg, { clientId: 'polite', will: { topic: 'wills/polite', payload: Buffer.from('gone'), qos: 1, retain: false } });
    const politeGone = gw.tg.nextEvent('client.disconnected');
    await new Promise<void>((resolve) => polite.end(false, {}, () => resolve()));
    await politeGone;

    const rude = await connected(4, 'rude', { will: { topic: 'wills/rude', payload: Buffer.from('lost'), qos: 1, retain: false } });
    const willArrives = new Promise<string>((resolve) => watcher.once('message', (topic) => resolve(topic)));
    rude.destroy();
    expect(await willArrives).toBe('wills/rude');
    expect(got).toEqual(['wills/rude']);
    await closeClient(watcher);
  });
});
