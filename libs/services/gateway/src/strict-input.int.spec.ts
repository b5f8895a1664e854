import { frame, prop, props, str, u16, u32, varInt } from '@mqp/testing';
import type { IConnackPacket, IDisconnectPacket, IPubackPacket, IPubcompPacket, IPubrecPacket, ISubackPacket, IUnsubackPacket, Packet } from 'mqtt-packet';
import { nextMessage, type RawClient, useGatewayWithBystander } from './gateway.test-harness';

/**
 * Issue 3 closing items, byte for byte against a real gateway: malformed
 * UTF-8 strings [MQTT-1.5.4-1] [MQTT-1.5.4-2], properties outside their packet
 * type (MQTT 5.0 §2.2.2.2), and the Reason Strings of refusals within the
 * client's Request Problem Information and Maximum Packet Size.
 */

// ---- raw byte builders (the point is to send what no library would)
const pair = (name: string | Buffer, value: string | Buffer): Buffer => Buffer.concat([str(name), str(value)]);

function connectBytes(o: { version?: 4 | 5; clientId?: string | Buffer; properties?: Buffer; willTopic?: string | Buffer; username?: string | Buffer } = {}): Buffer {
  const version = o.version ?? 5;
  let flags = 0x02;
  if (o.willTopic !== undefined) flags |= 0x04;
  if (o.username !== undefined) flags |= 0x80;
  const parts = [str('MQTT'), Buffer.from([version, flags]), u16(0)];
  if (version === 5) parts.push(o.properties ?? props());
  parts.push(str(o.clientId ?? 'strict'));
  if (o.willTopic !== undefined) {
    if (version === 5) parts.push(props());
    parts.push(str(o.willTopic), str('w'));
  }
  if (o.username !== undefined) parts.push(str(o.username));
  return frame(0x10, Buffer.concat(parts));
}
const publishBytes = (topic: string | Buffer, p: Buffer | undefined, qos: 0 | 1 = 0): Buffer =>
  frame(0x30 | (qos << 1), Buffer.concat([str(topic), qos > 0 ? u16(1) : Buffer.alloc(0), p ?? Buffer.alloc(0), Buffer.from('x')]));

const FF = Buffer.from([0x61, 0xff]);
const SURROGATE = Buffer.from([0xed, 0xa0, 0x80]);
const NUL = Buffer.from([0x61, 0x00]);

describe('gateway strict input and reason strings', () => {
  const gw = useGatewayWithBystander();
  const raw = (version: 4 | 5 = 5): Promise<RawClient> => gw.open(version);
  let opened = 0;
  const connected = (version: 4 | 5 = 5, extra: Record<string, unknown> = {}): Promise<RawClient> => gw.connected(version, { clientId: `c-${opened++}`, ...extra });

  /** Every packet until the server closes. */
  async function untilClosed(r: RawClient): Promise<Packet[]> {
    const got: Packet[] = [];
    for (let p = await r.next(); p !== undefined; p = await r.next()) got.push(p);
    await r.closed;
    return got;
  }

  describe('malformed UTF-8 strings [MQTT-1.5.4-1] [MQTT-1.5.4-2]', () => {
    it.each([
      ['ill-formed UTF-8 in the client id [MQTT-1.5.4-1]', connectBytes({ clientId: FF })],
      ['a surrogate in the user name [MQTT-1.5.4-1]', connectBytes({ username: SURROGATE })],
      ['U+0000 in the will topic [MQTT-1.5.4-2]', connectBytes({ willTopic: NUL })],
      ['ill-formed UTF-8 in a CONNECT User Property [MQTT-1.5.4-1]', connectBytes({ properties: props(prop(0x26, pair('k', FF))) })],
    ])('answers a v5 CONNECT with %s with CONNACK 0x81 and closes [MQTT-3.1.4-1]', async (_name, bytes) => {
      const r = await raw(5);
      r.write(bytes);
      const got = (await untilClosed(r)) as IConnackPacket[];
      expect(got.map((p) => [p.cmd, p.reasonCode])).toEqual([['connack', 0x81]]);
      expect(gw.tg.metrics.value('mqp_packets_malformed_total')).toBe(1);
    });

    it('closes a v3.1.1 CONNECT with a surrogate in the client id without a CONNACK [MQTT-1.5.3-1]', async () => {
      const r = await raw(4);
      r.write(connectBytes({ version: 4, clientId: SURROGATE }));
      expect(await untilClosed(r)).toEqual([]);
    });

    it.each([
      ['a PUBLISH topic with ill-formed UTF-8 [MQTT-1.5.4-1]', publishBytes(FF, props())],
      ['a PUBLISH Content Type with a surrogate [MQTT-1.5.4-1]', publishBytes('t', props(prop(0x03, str(SURROGATE))))],
      ['a PUBLISH Response Topic with U+0000 [MQTT-1.5.4-2]', publishBytes('t', props(prop(0x08, str(NUL))))],
      ['a PUBLISH User Property name with ill-formed UTF-8 [MQTT-1.5.4-1]', publishBytes('t', props(prop(0x26, pair(FF, 'v'))))],
      ['a SUBSCRIBE filter with a surrogate [MQTT-1.5.4-1]', frame(0x82, Buffer.concat([u16(1), props(), str(SURROGATE), Buffer.from([0])]))],
      ['a DISCONNECT Reason String with ill-formed UTF-8 [MQTT-1.5.4-1]', frame(0xe0, Buffer.concat([Buffer.from([0]), props(prop(0x1f, str(FF)))]))],
    ])('closes a v5 client sending %s with DISCONNECT 0x81 and a Reason String', async (_name, bytes) => {
      const r = await connected(5);
      r.write(bytes);
      const got = (await untilClosed(r)) as IDisconnectPacket[];
      expect(got.map((p) => [p.cmd, p.reasonCode])).toEqual([['disconnect', 0x81]]);
      expect(got[0]?.properties?.reasonString).toMatch(/malformed UTF-8 string/);
    });

    it('closes a v3.1.1 client publishing to a topic with ill-formed UTF-8, sending nothing [MQTT-1.5.3-1]', async () => {
      const r = await connected(4);
      r.write(publishBytes(FF, undefined));
      expect(await untilClosed(r)).toEqual([]);
    });

    it('accepts and delivers multi-byte UTF-8 topics and properties unchanged', async () => {
      const topic = 'bystander/çà/€/😀';
      const got = nextMessage(gw.bystander);
      const r = await connected(5);
      r.write(publishBytes(topic, props(prop(0x03, str('téxt/€')), prop(0x26, pair('ключ', '值'))), 1));
      expect(((await r.next()) as IPubackPacket).reasonCode).toBe(0);
      const m = await got;
      expect([m.topic, m.packet.properties?.contentType, m.packet.properties?.userProperties]).toEqual([topic, 'téxt/€', { ключ: '值' }]);
    });
  });

  describe('properties outside their packet type (MQTT 5.0 §2.2.2.2: Malformed Packet)', () => {
    it.each([
      ['a Topic Alias', prop(0x23, u16(1))],
      ['the server-only Assigned Client Identifier', prop(0x12, str('mine'))],
      ['the server-only Maximum QoS', prop(0x24, Buffer.from([1]))],
      ['a Will Delay Interval outside the will', prop(0x18, u32(5))],
    ])('answers a v5 CONNECT carrying %s with CONNACK 0x81 and closes', async (_name, p) => {
      const r = await raw(5);
      r.write(connectBytes({ properties: props(p) }));
      const got = (await untilClosed(r)) as IConnackPacket[];
      expect(got.map((x) => [x.cmd, x.reasonCode])).toEqual([['connack', 0x81]]);
    });

    it.each([
      ['a PUBLISH with a Session Expiry Interval', publishBytes('t', props(prop(0x11, u32(5))))],
      ['a PUBLISH with the server-only Server Keep Alive', publishBytes('t', props(prop(0x13, u16(5))))],
      ['a PUBLISH with the server-only Retain Available', publishBytes('t', props(prop(0x25, Buffer.from([1]))))],
      ['a SUBSCRIBE with a Topic Alias Maximum', frame(0x82, Buffer.concat([u16(1), props(prop(0x22, u16(5))), str('t'), Buffer.from([0])]))],
      ['a PUBACK with a Topic Alias', frame(0x40, Buffer.concat([u16(1), Buffer.from([0]), props(prop(0x23, u16(1)))]))],
      ['a DISCONNECT with the server-only Response Information', frame(0xe0, Buffer.concat([Buffer.from([0]), props(prop(0x1a, str('r')))]))],
    ])('closes a v5 client sending %s with DISCONNECT 0x81', async (_name, bytes) => {
      const r = await connected(5);
      r.write(bytes);
      const got = (await untilClosed(r)) as IDisconnectPacket[];
      expect(got.map((p) => [p.cmd, p.reasonCode])).toEqual([['disconnect', 0x81]]);
      expect(got[0]?.properties?.reasonString).toMatch(/is not allowed in/);
    });

    it('closes a v5 client sending a Subscription Identifier in PUBLISH with DISCONNECT 0x82 [MQTT-3.3.4-6]', async () => {
      const r = await connected(5);
      r.write(publishBytes('t', props(prop(0x0b, varInt(1)))));
      const got = (await untilClosed(r)) as IDisconnectPacket[];
      expect(got.map((p) => [p.cmd, p.reasonCode])).toEqual([['disconnect', 0x82]]);
    });
  });

  describe('reason strings on refusals', () => {
    beforeEach(() => {
      gw.tg.auth.authorizeImpl = async (req) => !req.topic.startsWith('secret');
    });

    it('sends PUBACK 0x87 and PUBREC 0x87 with a Reason String [MQTT-3.4.2-2] [MQTT-3.5.2-2]', async () => {
      const r = await connected(5);
      r.send({ cmd: 'publish', topic: 'secret/a', payload: Buffer.from('x'), qos: 1, messageId: 1, retain: false, dup: false });
      const ack = (await r.next()) as IPubackPacket;
      expect([ack.cmd, ack.reasonCode, ack.properties?.reasonString]).toEqual(['puback', 0x87, 'not authorized to publish to this topic']);
      r.send({ cmd: 'publish', topic: 'secret/a', payload: Buffer.from('x'), qos: 2, messageId: 2, retain: false, dup: false });
      const rec = (await r.next()) as IPubrecPacket;
      expect([rec.cmd, rec.reasonCode, rec.properties?.reasonString]).toEqual(['pubrec', 0x87, 'not authorized to publish to this topic']);
    });

    it.each([
      ['sends no Reason String to a client that set Request Problem Information 0 [MQTT-3.1.2-29]', { requestProblemInformation: false }],
      ['drops the Reason String where it would exceed the client Maximum Packet Size [MQTT-3.4.2-2] [MQTT-3.9.2-1] [MQTT-3.14.2-3]', { maximumPacketSize: 16 }],
    ])('%s', async (_title, properties) => {
      const r = await connected(5, { properties });
      r.send({ cmd: 'publish', topic: 'secret/a', payload: Buffer.from('x'), qos: 1, messageId: 1, retain: false, dup: false });
      const ack = (await r.next()) as IPubackPacket;
      expect([ack.reasonCode, ack.properties]).toEqual([0x87, undefined]);
      r.send({ cmd: 'subscribe', messageId: 2, subscriptions: [{ topic: 'secret/#', qos: 0 }] });
      const suback = (await r.next()) as ISubackPacket;
      expect([suback.granted, suback.properties]).toEqual([[0x87], undefined]);
      r.send({ cmd: 'publish', topic: 'a', payload: Buffer.from('x'), qos: 0, retain: false, dup: false, properties: { topicAlias: 0 } });
      const disconnect = (await r.next()) as IDisconnectPacket;
      expect([disconnect.reasonCode, disconnect.properties]).toEqual([0x94, undefined]);
    });

    it('says which filters a SUBACK refused and why [MQTT-3.9.2-1]', async () => {
      const r = await connected(5);
      r.send({ cmd: 'subscribe', messageId: 3, subscriptions: [{ topic: 'ok/#', qos: 1 }, { topic: 'secret/#', qos: 0 }, { topic: 'a/#/b', qos: 0 }] });
      const suback = (await r.next()) as ISubackPacket;
      expect([suback.granted, suback.properties?.reasonString]).toEqual([[1, 0x87, 0x8f], 'filter 2: not authorized; filter 3: topic filter invalid']);
      r.send({ cmd: 'subscribe', messageId: 4, subscriptions: [{ topic: 'ok/2', qos: 0 }] });
      expect(((await r.next()) as ISubackPacket).properties).toBeUndefined();
    });

    it('says which filters an UNSUBACK found no subscription for [MQTT-3.11.2-1]', async () => {
      const r = await connected(5);
      r.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'x', qos: 0 }] });
      await r.next();
      r.send({ cmd: 'unsubscribe', messageId: 2, unsubscriptions: ['x', 'never'] });
      const unsuback = (await r.next()) as IUnsubackPacket;
      expect([unsuback.granted, unsuback.properties?.reasonString]).toEqual([[0x00, 0x11], 'no subscription existed for filter 2']);
    });

    it('answers a PUBREL for an unknown packet id with PUBCOMP 0x92 and a Reason String [MQTT-3.7.2-2]', async () => {
      const r = await connected(5);
      r.send({ cmd: 'pubrel', messageId: 77 });
      const comp = (await r.next()) as IPubcompPacket;
      expect([comp.reasonCode, comp.properties?.reasonString]).toEqual([0x92, 'packet identifier not found']);
    });

    it('refuses a CONNECT with a CONNACK Reason String, unless Request Problem Information is 0 [MQTT-3.1.2-29] [MQTT-3.2.2-19]', async () => {
      gw.tg.auth.authenticateImpl = async () => ({ decision: 'deny', reason: 'bad_credentials' });
      for (const [requestProblemInformation, expected] of [
        [undefined, 'bad user name or password'],
        [false, undefined],
      ] as const) {
        const r = await raw(5);
        const properties = requestProblemInformation === undefined ? {} : { requestProblemInformation };
        r.send({ cmd: 'connect', protocolVersion: 5, protocolId: 'MQTT', clientId: 'denied', clean: true, keepalive: 0, properties });
        const ack = (await r.next()) as IConnackPacket;
        expect([ack.reasonCode, ack.properties?.reasonString]).toEqual([0x86, expected]);
        await r.closed;
      }
    });

    it('tells a v5 client why the server disconnects it in the DISCONNECT Reason String [MQTT-3.14.2-3]', async () => {
      const r = await connected(5);
      r.send({ cmd: 'publish', topic: 'a', payload: Buffer.from('x'), qos: 0, retain: false, dup: false, properties: { topicAlias: 0 } });
      const d = (await r.next()) as IDisconnectPacket;
      expect([d.reasonCode, d.properties?.reasonString]).toEqual([0x94, 'topic alias invalid']);
    });

    it('sends v3.1.1 clients the same acks with no properties', async () => {
      const r = await connected(4);
      r.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'secret/#', qos: 0 }] });
      expect(await r.next()).toMatchObject({ cmd: 'suback', granted: [0x80] });
    });
  });
});
