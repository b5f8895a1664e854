import { frame, prop, props, str, u16, u32, varInt } from '@mqp/testing';
import { generate, type Packet } from 'mqtt-packet';
import { PacketReader, type ProtocolViolation } from './packet-reader';
import { isPropertyPlace, propertyAllowed } from './property-table';
import { ReasonCode } from './reason-codes';

const byte = (n: number): Buffer => Buffer.from([n]);

function connect(properties: Buffer = props()): Buffer {
  return frame(0x10, Buffer.concat([str('MQTT'), Buffer.from([5, 0x02]), u16(0), properties, str('c')]));
}

function feed(...packets: Buffer[]): { packets: Packet[]; errors: ProtocolViolation[] } {
  const parsed: Packet[] = [];
  const errors: ProtocolViolation[] = [];
  const r = new PacketReader({ packetRead: (p) => parsed.push(p), packetRefused: (e) => errors.push(e) });
  for (const p of packets) r.push(p);
  return { packets: parsed, errors };
}

/** A property of each data type, with a valid value (MQTT 5.0 §2.2.2.2). */
const SERVER_ONLY: [string, Buffer][] = [
  ['Assigned Client Identifier (0x12)', prop(0x12, str('id'))],
  ['Server Keep Alive (0x13)', prop(0x13, u16(10))],
  ['Response Information (0x1A)', prop(0x1a, str('r'))],
  ['Maximum QoS (0x24)', prop(0x24, byte(1))],
  ['Retain Available (0x25)', prop(0x25, byte(1))],
  ['Wildcard Subscription Available (0x28)', prop(0x28, byte(1))],
  ['Subscription Identifier Available (0x29)', prop(0x29, byte(1))],
  ['Shared Subscription Available (0x2A)', prop(0x2a, byte(1))],
];

const publish = (p: Buffer): Buffer => frame(0x30, Buffer.concat([str('t'), p, Buffer.from('x')]));
const subscribe = (p: Buffer): Buffer => frame(0x82, Buffer.concat([u16(1), p, str('t'), byte(0)]));
const unsubscribe = (p: Buffer): Buffer => frame(0xa2, Buffer.concat([u16(1), p, str('t')]));
const puback = (p: Buffer): Buffer => frame(0x40, Buffer.concat([u16(1), byte(0), p]));
const disconnect = (p: Buffer): Buffer => frame(0xe0, Buffer.concat([byte(0), p]));

describe('property placement (MQTT 5.0 §2.2.2.2: an Identifier not valid for its packet type is a Malformed Packet)', () => {
  it.each(SERVER_ONLY)('refuses the server-only property %s in a client CONNECT as malformed, with the CONNECT version for a CONNACK 0x81', (_name, p) => {
    const { packets, errors } = feed(connect(props(p)));
    expect(packets).toEqual([]);
    expect(errors).toEqual([expect.objectContaining({ reason: 'malformed', reasonCode: ReasonCode.MalformedPacket, connectProtocolVersion: 5 })]);
  });

  it.each(SERVER_ONLY)('refuses the server-only property %s in a client PUBLISH as malformed', (_name, p) => {
    const { errors } = feed(connect(), publish(props(p)));
    expect(errors).toEqual([expect.objectContaining({ reason: 'malformed', reasonCode: ReasonCode.MalformedPacket })]);
  });

  it.each([
    ['a Topic Alias in CONNECT', connect(props(prop(0x23, u16(1))))],
    ['a Will Delay Interval in CONNECT (only a will property)', connect(props(prop(0x18, u32(5))))],
    ['a Content Type in CONNECT (only PUBLISH and will)', connect(props(prop(0x03, str('text/plain'))))],
    ['a Session Expiry Interval in PUBLISH', [connect(), publish(props(prop(0x11, u32(5))))]],
    ['a Will Delay Interval in PUBLISH', [connect(), publish(props(prop(0x18, u32(5))))]],
    ['a Receive Maximum in PUBLISH', [connect(), publish(props(prop(0x21, u16(5))))]],
    ['a Topic Alias Maximum in SUBSCRIBE', [connect(), subscribe(props(prop(0x22, u16(5))))]],
    ['a Maximum Packet Size in UNSUBSCRIBE', [connect(), unsubscribe(props(prop(0x27, u32(500))))]],
    ['a Subscription Identifier in UNSUBSCRIBE', [connect(), unsubscribe(props(prop(0x0b, varInt(1))))]],
    ['a Topic Alias in PUBACK', [connect(), puback(props(prop(0x23, u16(1))))]],
    ['a Response Topic in DISCONNECT', [connect(), disconnect(props(prop(0x08, str('r'))))]],
    ['a Request Problem Information in DISCONNECT', [connect(), disconnect(props(prop(0x17, byte(1))))]],
    ['a Reason String in SUBSCRIBE', [connect(), subscribe(props(prop(0x1f, str('why'))))]],
  ])('refuses %s as malformed (0x81)', (_name, packets) => {
    const { errors } = feed(...(Array.isArray(packets) ? packets : [packets]));
    expect(errors).toEqual([expect.objectContaining({ reason: 'malformed', reasonCode: ReasonCode.MalformedPacket })]);
    expect(errors[0]!.message).toMatch(/is not allowed in/);
  });

  it('accepts every client property where MQTT 5.0 table 2-4 puts it', () => {
    const packets = [
      connect(
        props(
          prop(0x11, u32(60)),
          prop(0x17, byte(0)),
          prop(0x19, byte(1)),
          prop(0x21, u16(10)),
          prop(0x22, u16(5)),
          prop(0x27, u32(4096)),
          prop(0x26, Buffer.concat([str('k'), str('v')])),
        ),
      ),
      publish(props(prop(0x01, byte(1)), prop(0x02, u32(9)), prop(0x03, str('c')), prop(0x08, str('r')), prop(0x09, str('d')), prop(0x23, u16(1)))),
      subscribe(props(prop(0x0b, varInt(3)), prop(0x26, Buffer.concat([str('k'), str('v')])))),
      unsubscribe(props(prop(0x26, Buffer.concat([str('k'), str('v')])))),
      puback(props(prop(0x1f, str('why')))),
      disconnect(props(prop(0x11, u32(0)), prop(0x1f, str('bye')), prop(0x1c, str('other')))),
    ];
    const { packets: parsed, errors } = feed(...packets);
    expect(errors).toEqual([]);
    expect(parsed.map((p) => p.cmd)).toEqual(['connect', 'publish', 'subscribe', 'unsubscribe', 'puback', 'disconnect']);
  });

  it('leaves a Subscription Identifier in a client PUBLISH (valid for the packet type) to the PUBLISH handler, which answers 0x82 [MQTT-3.3.4-6]', () => {
    const { packets, errors } = feed(connect(), publish(props(prop(0x0b, varInt(1)))));
    expect(errors).toEqual([]);
    expect(packets[1]).toMatchObject({ cmd: 'publish', properties: { subscriptionIdentifier: 1 } });
  });

  it('leaves server-only packets to the dispatcher (Protocol Error 0x82), whatever properties they carry [CVE-2021-28166]', () => {
    const connack = generate({ cmd: 'connack', sessionPresent: false, reasonCode: 0, properties: { assignedClientIdentifier: 'x' } }, { protocolVersion: 5 });
    const { packets, errors } = feed(connect(), connack);
    expect(errors).toEqual([]);
    expect(packets[1]?.cmd).toBe('connack');
  });

  it('still refuses a repeated property as a Protocol Error (0x82), and a repeated User Property is fine', () => {
    const twice = feed(connect(), publish(props(prop(0x02, u32(1)), prop(0x02, u32(2)))));
    expect(twice.errors).toEqual([expect.objectContaining({ reason: 'protocol_error', reasonCode: ReasonCode.ProtocolError })]);
    const users = feed(connect(), publish(props(prop(0x26, Buffer.concat([str('k'), str('1')])), prop(0x26, Buffer.concat([str('k'), str('2')])))));
    expect(users.errors).toEqual([]);
  });

  it('answers the table directly', () => {
    expect(propertyAllowed('topicAlias', 'publish')).toBe(true);
    expect(propertyAllowed('topicAlias', 'connect')).toBe(false);
    expect(propertyAllowed('willDelayInterval', 'will')).toBe(true);
    expect(propertyAllowed('sessionExpiryInterval', 'will')).toBe(false);
    expect(propertyAllowed('__proto__', 'publish')).toBe(false);
    expect(isPropertyPlace('publish')).toBe(true);
    expect(isPropertyPlace('connack')).toBe(false);
    expect(isPropertyPlace('__proto__')).toBe(false);
  });
});
