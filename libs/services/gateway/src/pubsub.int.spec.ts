import { encodeMessage, subjects } from '@mqp/contracts';
import type { IDisconnectPacket, IPubackPacket, IPublishPacket, ISubackPacket, IUnsubackPacket } from 'mqtt-packet';
import type { MqttClient } from 'mqtt';
import { until } from '@mqp/testing';
import { expectEachLevelsFraming, expectForwardedPackets, nextMessage, type RawClient, useTestGateway } from './gateway.test-harness';

describe('gateway PUBLISH / SUBSCRIBE', () => {
  const gw = useTestGateway();
  const client = (clientId: string, protocolVersion: 4 | 5 = 5): Promise<MqttClient> => gw.client(clientId, { protocolVersion });
  const raw = (version: 4 | 5, clientId: string): Promise<RawClient> => gw.connected(version, { clientId });

  /** Collects messages until `marker` arrives on `markerTopic` (published last by the test). */
  function collectUntil(c: MqttClient, markerTopic: string): Promise<{ topic: string; qos: number; retain: boolean; payload: string }[]> {
    const got: { topic: string; qos: number; retain: boolean; payload: string }[] = [];
    return new Promise((resolve) => {
      const onMessage = (topic: string, payload: Buffer, packet: { qos: number; retain: boolean }): void => {
        if (topic === markerTopic) {
          c.off('message', onMessage);
          resolve(got);
        } else got.push({ topic, qos: packet.qos, retain: packet.retain, payload: payload.toString() });
      };
      c.on('message', onMessage);
    });
  }

  it.each([4, 5] as const)('delivers QoS 0 and QoS 1 through wildcard filters (protocol %i)', async (version) => {
    const sub = await client('sub', version);
    const granted = await sub.subscribeAsync({ 'sensors/+/temp': { qos: 1 }, end: { qos: 0 } });
    expect(granted.map((g) => g.qos)).toEqual([1, 0]);
    const pub = await client('pub', version);
    const done = collectUntil(sub, 'end');
    await pub.publishAsync('sensors/a/temp', '20', { qos: 0 });
    await pub.publishAsync('sensors/b/temp', '21', { qos: 1 });
    await pub.publishAsync('sensors/c/humidity', 'no', { qos: 1 });
    await pub.publishAsync('end', '', { qos: 1 });
    expect(await done).toEqual([
      { topic: 'sensors/a/temp', qos: 0, retain: false, payload: '20' },
      { topic: 'sensors/b/temp', qos: 1, retain: false, payload: '21' },
    ]);
    expect(gw.tg.metrics.value('mqp_messages_received_total')).toBe(4);
  });

  it('does not match $SYS topics with a leading wildcard, but does with $SYS/# [MQTT-4.7.2-1]', async () => {
    const all = await client('all');
    const sys = await client('sys');
    await all.subscribeAsync(['#']);
    await sys.subscribeAsync(['$SYS/#', 'end']);
    const allGot = collectUntil(all, 'end');
    const sysGot = collectUntil(sys, 'end');
    // clients may not publish to $ topics, so the test puts the message on the bus as another service would
    gw.tg.bus.publish(
      subjects.message('$SYS/x'),
      encodeMessage({ id: 'm1', topic: '$SYS/x', payload: Buffer.from('s'), qos: 0, retain: false, origin: { clientId: 'sys', gatewayId: 'x' }, createdAt: Date.now() }),
    );
    const pub = await client('pub');
    await pub.publishAsync('end', '', { qos: 1 });
    expect((await allGot).map((m) => m.topic)).toEqual([]);
    expect((await sysGot).map((m) => m.topic)).toEqual(['$SYS/x']);
  });

  it('delivers a message matching overlapping subscriptions once, at the highest granted QoS [MQTT-3.3.4-2]', async () => {
    const sub = await client('sub');
    await sub.subscribeAsync({ 'a/#': { qos: 0 }, 'a/+': { qos: 1 }, 'a/b': { qos: 0 }, end: { qos: 0 } });
    const other = await client('other');
    await other.subscribeAsync({ 'a/b': { qos: 0 }, end: { qos: 0 } });
    const got = collectUntil(sub, 'end');
    const otherGot = collectUntil(other, 'end');
    const pub = await client('pub');
    await pub.publishAsync('a/b', 'once', { qos: 1 });
    await pub.publishAsync('end', '', { qos: 1 });
    expect(await got).toEqual([{ topic: 'a/b', qos: 1, retain: false, payload: 'once' }]);
    expect(await otherGot).toEqual([{ topic: 'a/b', qos: 0, retain: false, payload: 'once' }]);
  });

  it('grants QoS 2 to a QoS 2 request, a shared filter like any other, and refuses invalid filters per entry [MQTT-3.8.4-6]', async () => {
    const r5 = await raw(5, 'r5');
    r5.send({ cmd: 'subscribe', messageId: 7, subscriptions: [{ topic: 'x/#', qos: 2 }, { topic: 'a/#/b', qos: 0 }, { topic: '$share/g/t', qos: 0 }, { topic: 'y', qos: 0 }] });
    const s5 = (await r5.next()) as ISubackPacket;
    expect(s5.messageId).toBe(7);
    expect(s5.granted).toEqual([2, 0x8f, 0, 0]);
    const r4 = await raw(4, 'r4');
    r4.send({ cmd: 'subscribe', messageId: 8, subscriptions: [{ topic: 'x/#', qos: 2 }, { topic: 'a+', qos: 0 }] });
    const s4 = (await r4.next()) as ISubackPacket;
    expect(s4.granted).toEqual([2, 0x80]);
  });

  it('refuses a subscription the ACL denies: 0x87 on MQTT 5, 0x80 on MQTT 3.1.1', async () => {
    gw.tg.auth.authorizeImpl = async (req) => !(req.action === 'subscribe' && req.topic === 'secret/#');
    const r5 = await raw(5, 'r5');
    r5.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'secret/#', qos: 1 }, { topic: 'open', qos: 1 }] });
    expect(((await r5.next()) as ISubackPacket).granted).toEqual([0x87, 1]);
    const r4 = await raw(4, 'r4');
    r4.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'secret/#', qos: 1 }] });
    expect(((await r4.next()) as ISubackPacket).granted).toEqual([0x80]);
  });

  it('refuses a subscription when the auth service fails (fail closed)', async () => {
    gw.tg.auth.authorizeImpl = async () => {
      throw new Error('auth down');
    };
    const r5 = await raw(5, 'r5');
    r5.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 't', qos: 1 }] });
    expect(((await r5.next()) as ISubackPacket).granted).toEqual([0x87]);
  });

  it('drops a publish the ACL denies: v5 PUBACK 0x87, v3.1.1 a plain PUBACK', async () => {
    gw.tg.auth.authorizeImpl = async (req) => !(req.action === 'publish' && req.topic === 'forbidden');
    const sub = await client('sub');
    await sub.subscribeAsync(['#']);
    const got = collectUntil(sub, 'end');
    const r5 = await raw(5, 'r5');
    r5.send({ cmd: 'publish', topic: 'forbidden', payload: Buffer.from('x'), qos: 1, messageId: 3, retain: false, dup: false });
    expect((await r5.next()) as IPubackPacket).toMatchObject({ cmd: 'puback', messageId: 3, reasonCode: 0x87 });
    const r4 = await raw(4, 'r4');
    r4.send({ cmd: 'publish', topic: 'forbidden', payload: Buffer.from('x'), qos: 1, messageId: 4, retain: false, dup: false });
    expect((await r4.next()) as IPubackPacket).toMatchObject({ cmd: 'puback', messageId: 4 });
    r4.send({ cmd: 'publish', topic: 'end', payload: Buffer.from(''), qos: 0, retain: false, dup: false });
    expect(await got).toEqual([]);
  });

  it('acknowledges only once the bus settled the message (an offline copy stored), and keeps PUBACK order behind a slow one [MQTT-4.6.0-2]', async () => {
    gw.tg.auth.authorizeImpl = async (req) => !(req.action === 'publish' && req.topic === 'forbidden');
    // a capture that takes its time, as the session service storing an offline session's copy
    let store!: () => void;
    gw.tg.bus.subscribe(subjects.message('slow'), () => new Promise<void>((r) => (store = r)));
    await gw.tg.bus.flush();
    const r5 = await raw(5, 'r5');
    r5.send({ cmd: 'publish', topic: 'slow', payload: Buffer.from('x'), qos: 1, messageId: 1, retain: false, dup: false });
    // refused at once, but its PUBACK must not overtake the first one
    r5.send({ cmd: 'publish', topic: 'forbidden', payload: Buffer.from('x'), qos: 1, messageId: 2, retain: false, dup: false });
    const first = r5.next();
    const early = await Promise.race([first, new Promise((r) => setTimeout(() => r('nothing yet'), 200))]);
    expect(early).toBe('nothing yet');
    store();
    expect(await first).toMatchObject({ cmd: 'puback', messageId: 1, reasonCode: 0 });
    expect(await r5.next()).toMatchObject({ cmd: 'puback', messageId: 2, reasonCode: 0x87 });
  });

  it('sends a QoS 1 PUBACK on the fast path (a topic allowed before) only once the bus settled the message, in PUBLISH order [MQTT-4.3.2-2] [MQTT-4.6.0-2]', async () => {
    gw.tg.auth.authorizeImpl = async (req) => !(req.action === 'publish' && req.topic === 'forbidden');
    const stores: (() => void)[] = [];
    gw.tg.bus.subscribe(subjects.message('slow/again'), () => new Promise<void>((r) => stores.push(r)));
    await gw.tg.bus.flush();
    const r5 = await raw(5, 'r5-fast');
    const publish = (topic: string, messageId: number): void => r5.send({ cmd: 'publish', topic, payload: Buffer.from('x'), qos: 1, messageId, retain: false, dup: false });
    // the first PUBLISH to the topic asks the auth service (general path) and caches the allow
    publish('slow/again', 1);
    await until('the first capture', () => stores.length === 1, 5_000);
    stores[0]!();
    expect(await r5.next()).toMatchObject({ cmd: 'puback', messageId: 1, reasonCode: 0 });
    publish('slow/again', 2);
    publish('forbidden', 3);
    const second = r5.next();
    const early = await Promise.race([second, new Promise((r) => setTimeout(() => r('nothing yet'), 200))]);
    expect(early).toBe('nothing yet');
    expect(stores).toHaveLength(2);
    stores[1]!();
    expect(await second).toMatchObject({ cmd: 'puback', messageId: 2, reasonCode: 0 });
    expect(await r5.next()).toMatchObject({ cmd: 'puback', messageId: 3, reasonCode: 0x87 });
  });

  it('with gateway.denyAction disconnect, closes a client on a denied publish or subscribe: v5 DISCONNECT 0x87, v3.1.1 a plain close', async () => {
    await gw.restart({ denyAction: 'disconnect' });
    gw.tg.auth.authorizeImpl = async (req) => req.topic !== 'forbidden';
    const pub5 = await raw(5, 'pub5');
    pub5.send({ cmd: 'publish', topic: 'forbidden', payload: Buffer.from('x'), qos: 1, messageId: 1, retain: false, dup: false });
    expect(await pub5.next()).toMatchObject({ cmd: 'disconnect', reasonCode: 0x87 });
    expect(await pub5.next()).toBeUndefined();
    const sub5 = await raw(5, 'sub5');
    sub5.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'forbidden', qos: 1 }] });
    expect(await sub5.next()).toMatchObject({ cmd: 'disconnect', reasonCode: 0x87 });
    const pub4 = await raw(4, 'pub4');
    pub4.send({ cmd: 'publish', topic: 'forbidden', payload: Buffer.from('x'), qos: 1, messageId: 1, retain: false, dup: false });
    expect(await pub4.next()).toBeUndefined();
    // an allowed publish is answered as usual
    const ok = await raw(5, 'ok');
    ok.send({ cmd: 'publish', topic: 'allowed', payload: Buffer.from('x'), qos: 1, messageId: 2, retain: false, dup: false });
    expect(await ok.next()).toMatchObject({ cmd: 'puback', messageId: 2, reasonCode: 0 });
  });

  it('caches publish authorization per connection', async () => {
    const pub = await client('pub');
    for (let i = 0; i < 5; i++) await pub.publishAsync('t', 'x', { qos: 1 });
    expect(gw.tg.auth.authorizeCalls.filter((c) => c.action === 'publish' && c.topic === 't')).toHaveLength(1);
  });

  it('treats a publish to a $ topic as not authorized [aedes #597]', async () => {
    const r5 = await raw(5, 'r5');
    r5.send({ cmd: 'publish', topic: '$SYS/broker/uptime', payload: Buffer.from('x'), qos: 1, messageId: 9, retain: false, dup: false });
    expect((await r5.next()) as IPubackPacket).toMatchObject({ cmd: 'puback', messageId: 9, reasonCode: 0x87 });
  });

  it('closes a connection publishing to an invalid topic name, with DISCONNECT 0x90 on MQTT 5 [MQTT-3.3.2-2]', async () => {
    const r5 = await raw(5, 'r5');
    r5.send({ cmd: 'publish', topic: 'a/+/b', payload: Buffer.from('x'), qos: 0, retain: false, dup: false });
    expect((await r5.next()) as IDisconnectPacket).toMatchObject({ cmd: 'disconnect', reasonCode: 0x90 });
    await r5.closed;
  });

  it('delivers retained messages to a new subscription with RETAIN set, at min(message QoS, granted QoS) [MQTT-3.3.1-8]', async () => {
    const pub = await client('pub');
    await pub.publishAsync('status/a', 'on', { qos: 1, retain: true });
    await pub.publishAsync('status/b', 'off', { qos: 0, retain: true });
    // packets of one connection are handled in order: once this is acknowledged, status/b is stored too
    await pub.publishAsync('barrier', '', { qos: 1 });
    expect([...gw.tg.router.retained.keys()].sort()).toEqual(['status/a', 'status/b']);
    const r4 = await raw(4, 'late');
    r4.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'status/+', qos: 1 }] });
    expect((await r4.next())?.cmd).toBe('suback');
    const first = (await r4.next()) as IPublishPacket;
    const second = (await r4.next()) as IPublishPacket;
    const byTopic = new Map([first, second].map((p) => [p.topic, p]));
    expect(byTopic.get('status/a')).toMatchObject({ retain: true, qos: 1, payload: Buffer.from('on') });
    expect(byTopic.get('status/b')).toMatchObject({ retain: true, qos: 0, payload: Buffer.from('off') });
  });

  it('clears RETAIN on live delivery unless Retain As Published was asked [MQTT-3.3.1-12]', async () => {
    const plain = await client('plain');
    const rap = await client('rap');
    await plain.subscribeAsync({ r: { qos: 0 } });
    await rap.subscribeAsync({ r: { qos: 0, rap: true } });
    const plainMsg = nextMessage(plain);
    const rapMsg = nextMessage(rap);
    const pub = await client('pub');
    await pub.publishAsync('r', 'v', { qos: 1, retain: true });
    expect((await plainMsg).packet.retain).toBe(false);
    expect((await rapMsg).packet.retain).toBe(true);
  });

  it('does not send a client its own messages on a No Local subscription [MQTT-3.8.3-3]', async () => {
    const self = await client('self');
    await self.subscribeAsync({ chat: { qos: 1, nl: true }, end: { qos: 0 } });
    const got = collectUntil(self, 'end');
    await self.publishAsync('chat', 'mine', { qos: 1 });
    const other = await client('other');
    await other.publishAsync('chat', 'theirs', { qos: 1 });
    await other.publishAsync('end', '', { qos: 1 });
    expect((await got).map((m) => m.payload)).toEqual(['theirs']);
  });

  it('forwards MQTT 5 properties to MQTT 5 subscribers, user properties in order', async () => {
    const sub = await client('sub');
    await sub.subscribeAsync(['props']);
    const msg = nextMessage(sub);
    const pub = await client('pub');
    await pub.publishAsync('props', 'p', {
      qos: 1,
      properties: {
        payloadFormatIndicator: true,
        messageExpiryInterval: 60,
        contentType: 'text/plain',
        responseTopic: 'reply/here',
        correlationData: Buffer.from('corr'),
        userProperties: { a: '1', b: ['2', '3'] },
      },
    });
    const { packet } = await msg;
    expect(packet.properties).toMatchObject({
      payloadFormatIndicator: true,
      contentType: 'text/plain',
      responseTopic: 'reply/here',
      correlationData: Buffer.from('corr'),
      userProperties: { a: '1', b: ['2', '3'] },
    });
    expect(packet.properties?.messageExpiryInterval).toBeGreaterThan(58);
    expect(packet.properties?.messageExpiryInterval).toBeLessThanOrEqual(60);
  });

  it('forwards a QoS 0 PUBLISH from any protocol level to every level in its own framing [MQTT-3.3.1-9] [MQTT-3.3.4-3]', async () => {
    // the fast path hands subscribers of the publisher's framing its very packet; the others must still get theirs
    await expectEachLevelsFraming(gw.tg.port, gw.tg.port);
  });

  it('delivers a QoS 0 message as the packet it arrived in only as each client may take it [MQTT-3.8.3-3] [MQTT-3.1.2-24] [MQTT-3.8.4-8]', async () => {
    await expectForwardedPackets(gw.tg.port, gw.tg.port);
  });

  it('answers UNSUBSCRIBE per filter and stops delivering: 0x00, or 0x11 when no subscription existed', async () => {
    const r5 = await raw(5, 'r5');
    r5.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'u', qos: 0 }] });
    expect((await r5.next())?.cmd).toBe('suback');
    r5.send({ cmd: 'unsubscribe', messageId: 2, unsubscriptions: ['u', 'never'] });
    const unsuback = (await r5.next()) as IUnsubackPacket;
    expect(unsuback).toMatchObject({ cmd: 'unsuback', messageId: 2, granted: [0x00, 0x11] });
    const pub = await client('pub');
    await pub.publishAsync('u', 'after', { qos: 1 });
    r5.send({ cmd: 'pingreq' });
    // the next thing the client gets is the PINGRESP, not the message
    expect((await r5.next())?.cmd).toBe('pingresp');
    expect(gw.tg.router.routes.get('u')).toBe(0);
  });

  it('counts a route once per subscription, not again when a SUBSCRIBE replaces it [MQTT-3.8.4-3]', async () => {
    const c = await client('c');
    await c.subscribeAsync({ again: { qos: 0 } });
    await c.subscribeAsync({ again: { qos: 1 } });
    expect(gw.tg.router.routes.get('again')).toBe(1);
    const msg = nextMessage(c);
    await c.publishAsync('again', 'x', { qos: 1 });
    // the replacing subscription's QoS applies
    expect((await msg).packet.qos).toBe(1);
  });

  it('keeps one bus subscription per distinct filter, released with the last subscriber', async () => {
    const a = await client('a');
    const b = await client('b');
    await a.subscribeAsync(['shared/topic']);
    await b.subscribeAsync(['shared/topic']);
    const msgA = nextMessage(a);
    const msgB = nextMessage(b);
    await a.publishAsync('shared/topic', 'x', { qos: 1 });
    expect((await msgA).payload.toString()).toBe('x');
    expect((await msgB).payload.toString()).toBe('x');
    await a.unsubscribeAsync('shared/topic');
    const msgB2 = nextMessage(b);
    await a.publishAsync('shared/topic', 'y', { qos: 1 });
    expect((await msgB2).payload.toString()).toBe('y');
  });

  it('does not let a subscriber that stopped reading stall another subscriber [aedes drainTimeout]', async () => {
    const stalled = await raw(4, 'stalled');
    stalled.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'flood', qos: 0 }] });
    expect((await stalled.next())?.cmd).toBe('suback');
    stalled.socket.pause();
    const healthy = await client('healthy', 4);
    await healthy.subscribeAsync({ flood: { qos: 0 }, end: { qos: 0 } });
    const got = collectUntil(healthy, 'end');
    const pub = await client('pub', 4);
    const payload = Buffer.alloc(64 * 1024, 1);
    const count = 400; // 25 MiB: far past the socket buffers and the 10 MiB a stalled client's QoS 0 may wait unwritten
    for (let i = 0; i < count; i++) await pub.publishAsync('flood', payload, { qos: 1 });
    await pub.publishAsync('end', '', { qos: 1 });
    expect(await got).toHaveLength(count);
    expect(gw.tg.metrics.value('mqp_messages_dropped_total')).toBeGreaterThan(0);
  });
});
