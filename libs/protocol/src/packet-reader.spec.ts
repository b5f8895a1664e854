import { frame, str, u16 } from '@mqp/testing';
import { generate, type Packet } from 'mqtt-packet';
import { PacketReader, type PacketReaderOptions, type ProtocolViolation, type ProtocolVersionNumber } from './packet-reader';
import { ReasonCode } from './reason-codes';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function reader(options: PacketReaderOptions = {}) {
  const packets: Packet[] = [];
  const errors: ProtocolViolation[] = [];
  const r = new PacketReader({ packetRead: (p) => packets.push(p), packetRefused: (e) => errors.push(e) }, options);
  return { r, packets, errors };
}

/** The Packet fields mqtt-packet sets on every packet it parses. */
const base = { retain: false, qos: 0, dup: false, topic: null, payload: null };

interface Golden {
  name: string;
  version: 4 | 5;
  bytes: Buffer;
  packet: Record<string, unknown>;
}

const GOLDEN: Golden[] = [
  {
    name: 'CONNECT v4, clean session, keepalive 60',
    version: 4,
    // 10 len | 00 04 "MQTT" | level 4 | flags clean | keepalive 60 | client id "c1"
    bytes: hex('10 0e  0004 4d515454  04  02  003c  0002 6331'),
    packet: { ...base, cmd: 'connect', length: 14, protocolId: 'MQTT', protocolVersion: 4, clean: true, keepalive: 60, clientId: 'c1' },
  },
  {
    name: 'CONNECT v5 with session expiry, receive maximum, user name and password',
    version: 5,
    // flags user+password+clean | keepalive 30 | properties (8): 0x11 300, 0x21 20 | "c5" | "u" | "p"
    bytes: hex('10 1d  0004 4d515454  05  c2  001e  08 11 0000012c 21 0014  0002 6335  0001 75  0001 70'),
    packet: {
      ...base,
      cmd: 'connect',
      length: 29,
      protocolId: 'MQTT',
      protocolVersion: 5,
      clean: true,
      keepalive: 30,
      properties: { sessionExpiryInterval: 300, receiveMaximum: 20 },
      clientId: 'c5',
      username: 'u',
      password: Buffer.from('p'),
    },
  },
  {
    name: 'PUBLISH QoS 0 v4',
    version: 4,
    bytes: hex('30 07  0003 612f62  6869'),
    // read without mqtt-packet (publish-decoder.ts), so it comes with the bytes it arrived in
    packet: { ...base, cmd: 'publish', length: 7, topic: 'a/b', payload: Buffer.from('hi'), frame: hex('30 07  0003 612f62  6869') },
  },
  {
    name: 'PUBLISH QoS 1 retained v5 with content type, expiry and a user property',
    version: 5,
    // topic "a/b" | id 7 | properties (25): 0x03 "text/plain", 0x02 60, 0x26 "k"="v" | "hi"
    bytes: hex('33 23  0003 612f62  0007  19 03 000a 746578742f706c61696e 02 0000003c 26 0001 6b 0001 76  6869'),
    packet: {
      ...base,
      cmd: 'publish',
      retain: true,
      qos: 1,
      length: 35,
      topic: 'a/b',
      messageId: 7,
      payload: Buffer.from('hi'),
      properties: { contentType: 'text/plain', messageExpiryInterval: 60, userProperties: { k: 'v' } },
    },
  },
  {
    name: 'SUBSCRIBE v4 to a/+ at QoS 1',
    version: 4,
    bytes: hex('82 08  0001  0003 612f2b 01'),
    packet: { ...base, cmd: 'subscribe', qos: 1, length: 8, messageId: 1, subscriptions: [{ topic: 'a/+', qos: 1 }] },
  },
  {
    name: 'SUBSCRIBE v5 with subscription identifier, No Local, Retain As Published, Retain Handling 1',
    version: 5,
    // id 2 | properties (2): 0x0B 5 | "a/#" options 0b00011110
    bytes: hex('82 0b  0002  02 0b 05  0003 612f23 1e'),
    packet: {
      ...base,
      cmd: 'subscribe',
      qos: 1,
      length: 11,
      messageId: 2,
      properties: { subscriptionIdentifier: 5 },
      subscriptions: [{ topic: 'a/#', qos: 2, nl: true, rap: true, rh: 1 }],
    },
  },
  {
    name: 'PINGREQ',
    version: 4,
    bytes: hex('c0 00'),
    packet: { ...base, cmd: 'pingreq', length: 0 },
  },
  {
    name: 'UNSUBSCRIBE v4 from two filters',
    version: 4,
    bytes: hex('a2 0a  0003  0003 612f62  0001 63'),
    packet: { ...base, cmd: 'unsubscribe', qos: 1, length: 10, messageId: 3, unsubscriptions: ['a/b', 'c'] },
  },
  {
    name: 'PUBACK v4',
    version: 4,
    bytes: hex('40 02 0007'),
    packet: { ...base, cmd: 'puback', length: 2, messageId: 7 },
  },
  {
    name: 'PUBACK v5 with reason No matching subscribers and empty properties',
    version: 5,
    bytes: hex('40 04 0007 10 00'),
    packet: { ...base, cmd: 'puback', length: 4, messageId: 7, reasonCode: 0x10 },
  },
  {
    name: 'PUBREL v4',
    version: 4,
    bytes: hex('62 02 0009'),
    packet: { ...base, cmd: 'pubrel', qos: 1, length: 2, messageId: 9 },
  },
  {
    name: 'DISCONNECT v5 with will and session expiry 10',
    version: 5,
    bytes: hex('e0 07  04  05 11 0000000a'),
    packet: { ...base, cmd: 'disconnect', length: 7, reasonCode: 4, properties: { sessionExpiryInterval: 10 } },
  },
  {
    name: 'AUTH v5 continue authentication',
    version: 5,
    bytes: hex('f0 06  18  04 15 0001 78'),
    packet: { ...base, cmd: 'auth', length: 6, reasonCode: 0x18, properties: { authenticationMethod: 'x' } },
  },
  {
    name: 'CONNECT v5 with a QoS 1 will and will delay',
    version: 5,
    // flags will QoS 1 + will | keepalive 10 | no properties | "w" | will properties (5): 0x18 5 | "w/t" | "bye"
    bytes: hex('10 1e  0004 4d515454  05  0c  000a  00  0001 77  05 18 00000005  0003 772f74  0003 627965'),
    packet: {
      ...base,
      cmd: 'connect',
      length: 30,
      protocolId: 'MQTT',
      protocolVersion: 5,
      clean: false,
      keepalive: 10,
      clientId: 'w',
      will: { retain: false, qos: 1, properties: { willDelayInterval: 5 }, topic: 'w/t', payload: Buffer.from('bye') },
    },
  },
  {
    name: 'PUBLISH v5 with no properties and an empty payload',
    version: 5,
    bytes: hex('30 04  0001 61  00'),
    packet: { ...base, cmd: 'publish', length: 4, topic: 'a', payload: Buffer.alloc(0), frame: hex('30 04  0001 61  00') },
  },
];

describe('PacketReader golden packets', () => {
  it.each(GOLDEN)('parses $name', ({ version, bytes, packet }) => {
    const { r, packets, errors } = reader({ protocolVersion: version });
    r.push(bytes);
    expect(errors).toEqual([]);
    expect(packets).toEqual([packet]);
  });

  it.each(GOLDEN)('generates the same bytes for $name', ({ version, bytes, packet }) => {
    expect(generate(packet as unknown as Packet, { protocolVersion: version }).toString('hex')).toBe(bytes.toString('hex'));
  });

  it('parses the same packets whatever the chunking: all at once, byte by byte, or in odd slices', () => {
    const v4 = GOLDEN.filter((g) => g.version === 4);
    const stream = Buffer.concat(v4.map((g) => g.bytes));
    const expected = v4.map((g) => g.packet);
    for (const size of [stream.length, 1, 2, 3, 7]) {
      const { r, packets, errors } = reader();
      for (let i = 0; i < stream.length; i += size) r.push(stream.subarray(i, i + size));
      expect(errors).toEqual([]);
      expect(packets).toEqual(expected);
    }
  });

  it('parses v5 properties after a v5 CONNECT without being told', () => {
    const { r, packets, errors } = reader({ protocolVersion: 4 });
    r.push(Buffer.concat([GOLDEN[1]!.bytes, GOLDEN[3]!.bytes]));
    expect(errors).toEqual([]);
    expect(r.protocolVersion).toBe(5);
    expect(packets[1]).toEqual(GOLDEN[3]!.packet);
  });

  it('parses v5 properties after setProtocolVersion(5)', () => {
    const { r, packets } = reader({ protocolVersion: 4 });
    r.setProtocolVersion(5);
    r.push(GOLDEN[3]!.bytes);
    expect(packets).toEqual([GOLDEN[3]!.packet]);
  });

  it('keeps parsing as the CONNECT said even if a handler changes the CONNECT packet', () => {
    const packets: Packet[] = [];
    const r = new PacketReader({
      packetRead: (p) => {
        packets.push(p);
        if (p.cmd === 'connect') p.protocolVersion = 4;
      },
      packetRefused: () => undefined,
    });
    r.push(Buffer.concat([GOLDEN[1]!.bytes, GOLDEN[3]!.bytes]));
    expect(packets[1]).toEqual(GOLDEN[3]!.packet);
  });

  it.each([
    ['no body', 'e0 00', 0],
    ['only a reason code', 'e0 01 04', 4],
  ])('accepts a v5 DISCONNECT with %s (properties may be left out, MQTT 5.0 3.14.2.2)', (_name, bytes, reasonCode) => {
    const { r, packets, errors } = reader({ protocolVersion: 5 });
    r.push(hex(bytes));
    expect(errors).toEqual([]);
    expect(packets).toEqual([expect.objectContaining({ cmd: 'disconnect', reasonCode })]);
  });

  it('accepts a repeated User Property and keeps every value', () => {
    const { r, packets, errors } = reader({ protocolVersion: 5 });
    r.push(hex('30 12  0001 61  0e 26 0001 6b 0001 31 26 0001 6b 0001 32'));
    expect(errors).toEqual([]);
    expect(packets).toEqual([expect.objectContaining({ properties: { userProperties: { k: ['1', '2'] } } })]);
  });

    it('assembles a 300 KB PUBLISH that arrives in 1 KB chunks', () => {
    const payload = Buffer.alloc(300_000, 0x61);
    const bytes = generate({ cmd: 'publish', topic: 't', payload, qos: 0, retain: false, dup: false });
    const { r, packets, errors } = reader();
    for (let i = 0; i < bytes.length; i += 1024) r.push(bytes.subarray(i, i + 1024));
    expect(errors).toEqual([]);
    expect(packets).toHaveLength(1);
    expect((packets[0] as { payload: Buffer }).payload.equals(payload)).toBe(true);
  });

  it('waits for the rest of a packet whose length points past the bytes received so far', () => {
    const { r, packets, errors } = reader();
    const publish = GOLDEN[2]!.bytes;
    r.push(publish.subarray(0, 5));
    expect(packets).toEqual([]);
    expect(errors).toEqual([]);
    r.push(publish.subarray(5));
    expect(packets).toEqual([GOLDEN[2]!.packet]);
  });
});

interface Malformed {
  name: string;
  bytes: Buffer;
  /** Why it is refused: proves the row fails for the reason it is about. */
  message: RegExp;
  reason: ProtocolViolation['reason'];
  reasonCode?: number;
  version?: 4 | 5;
}

/** A PINGREQ after the bad packet: a parser that reads past a packet's end would swallow it. */
const PINGREQ = 'c000';

const MALFORMED: Malformed[] = [
  { name: 'Remaining Length in 5 bytes [MQTT-1.5.5]', bytes: hex('30 ff ff ff ff 7f'), message: /longer than 4 bytes/, reason: 'malformed' },
  { name: 'Remaining Length not minimally encoded [MQTT-1.5.5-1]', bytes: hex('c0 80 00'), message: /not minimally encoded/, reason: 'malformed' },
  {
    name: 'SUBSCRIBE whose filter length is one too long, so the options byte is missing [CVE-2019-5432]',
    bytes: hex('82 08  0001  0004 612f2b 01' + PINGREQ),
    message: /Malformed Subscribe Payload/, reason: 'malformed',
  },
  {
    name: 'SUBSCRIBE whose filter length points past the packet into the next one',
    bytes: hex('82 08  0001  0005 612f2b 01' + PINGREQ),
    message: /Cannot parse topic/, reason: 'malformed',
  },
  {
    name: 'v5 CONNECT with a truncated properties block [aedes #612]',
    bytes: hex('10 0e  0004 4d515454  05  02  001e  08 11 0000' + PINGREQ + PINGREQ),
    message: /truncated int32 property/, reason: 'malformed',
  },
  {
    name: 'v5 PUBLISH whose user property is cut inside its name',
    bytes: hex('30 07  0001 61  03 26 0005' + PINGREQ),
    message: /truncated pair property/, reason: 'malformed',
    version: 5,
  },
  {
    name: 'v5 PUBLISH whose properties length is shorter than the property in it',
    bytes: hex('30 09  0001 61  02 02 0000003c'),
    message: /properties length does not match/, reason: 'malformed',
    version: 5,
  },
  {
    name: 'v5 PUBLISH whose last property has no value',
    bytes: hex('30 05  0001 61  01 01'),
    message: /truncated byte property/, reason: 'malformed',
    version: 5,
  },
  {
    name: 'v5 PUBLISH without a properties length',
    bytes: hex('30 03  0001 61'),
    message: /missing properties/, reason: 'malformed',
    version: 5,
  },
  {
    name: 'v5 PUBLISH whose properties length is a cut variable byte integer',
    bytes: hex('30 04  0001 61  80'),
    message: /truncated properties length/, reason: 'malformed',
    version: 5,
  },
  {
    name: 'CONNECT with a byte after the client identifier',
    bytes: hex('10 0f  0004 4d515454  04  02  003c  0002 6331  ff'),
    message: /unexpected bytes/, reason: 'malformed',
  },
  { name: 'v4 PUBACK with a third byte', bytes: hex('40 03 0007 00'), message: /unexpected bytes/, reason: 'malformed' },
  { name: 'SUBSCRIBE with packet identifier 0 [MQTT-2.3.1-1]', bytes: hex('82 06 0000 0001 61 00'), message: /packet identifier/, reason: 'malformed' },
  {
    name: 'QoS 1 PUBLISH that ends after the topic (no packet identifier)',
    bytes: hex('32 05  0003 612f62' + PINGREQ),
    message: /packet identifier/, reason: 'malformed',
  },
  { name: 'SUBSCRIBE without the 0b0010 flags (0x80) [MQTT-2.2.2-2]', bytes: hex('80 06 0001 0001 61 00'), message: /reserved flag bits/, reason: 'malformed' },
  { name: 'SUBSCRIBE with flags 0b0011 (0x83) [MQTT-2.2.2-2]', bytes: hex('83 06 0001 0001 61 00'), message: /reserved flag bits/, reason: 'malformed' },
  { name: 'UNSUBSCRIBE without the 0b0010 flags (0xA0) [MQTT-2.2.2-2]', bytes: hex('a0 05 0001 0001 61'), message: /reserved flag bits/, reason: 'malformed' },
  { name: 'PUBREL without the 0b0010 flags (0x60) [MQTT-2.2.2-2]', bytes: hex('60 02 0001'), message: /reserved flag bits/, reason: 'malformed' },
  { name: 'DISCONNECT with a reserved flag set (0xE1) [MQTT-2.2.2-2]', bytes: hex('e1 00'), message: /reserved flag bits/, reason: 'malformed' },
  { name: 'PINGREQ with a reserved flag set (0xC1) [MQTT-2.2.2-2]', bytes: hex('c1 00'), message: /reserved flag bits/, reason: 'malformed' },
  { name: 'reserved packet type 0', bytes: hex('00 00'), message: /type 0 is reserved/, reason: 'malformed' },
  { name: 'PUBLISH with QoS 3 [MQTT-3.3.1-4]', bytes: hex('36 07 0003 612f62 0001'), message: /QoS 3/, reason: 'malformed' },
  { name: 'PUBLISH QoS 0 with DUP set [MQTT-3.3.1-2]', bytes: hex('38 05 0003 612f62'), message: /DUP/, reason: 'malformed' },
  { name: 'PINGREQ with a body', bytes: hex('c0 01 00'), message: /with a body/, reason: 'malformed' },
  {
    name: 'CONNECT with protocol level 6 [MQTT-3.1.2-2]',
    bytes: hex('10 0e  0004 4d515454  06  02  003c  0002 6331'),
    message: /protocol version/, reason: 'protocol_error',
    reasonCode: ReasonCode.UnsupportedProtocolVersion,
  },
  {
    name: 'v5 PUBLISH with Message Expiry Interval given twice',
    bytes: hex('30 0e  0001 61  0a 02 0000003c 02 0000003c'),
    message: /messageExpiryInterval given more than once/,
    reason: 'protocol_error',
    version: 5,
  },
  {
    name: 'v5 CONNECT with a will property given twice',
    bytes: hex('10 23  0004 4d515454  05  0c  000a  00  0001 77  0a 18 00000005 18 00000006  0003 772f74  0003 627965'),
    message: /willDelayInterval given more than once/,
    reason: 'protocol_error',
  },
  {
    name: 'v5 CONNECT with a Topic Alias among the will properties [CVE-2023-3592]',
    bytes: hex('10 1c  0004 4d515454  05  0c  000a  00  0001 77  03 23 0001  0003 772f74  0003 627965'),
    message: /topicAlias is not a will property/,
    reason: 'malformed',
  },
  {
    name: 'v5 PUBLISH with Payload Format Indicator 7 (a Byte property is 0 or 1) [CVE-2023-3592]',
    bytes: hex('30 06  0001 61  02 01 07'),
    message: /byte property other than 0 or 1/,
    reason: 'malformed',
    version: 5,
  },
  {
    name: 'AUTH on an MQTT 3.1.1 connection',
    bytes: hex('f0 00'),
    message: /auth packet/, reason: 'protocol_error',
  },
];

describe('PacketReader refuses malformed input', () => {
  it.each(MALFORMED)('refuses $name', ({ bytes, reason, message, reasonCode, version }) => {
    const { r, packets, errors } = reader({ protocolVersion: version ?? 4 });
    expect(() => r.push(bytes)).not.toThrow();
    expect(packets).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.reason).toBe(reason);
    expect(errors[0]!.message).toMatch(message);
    if (reasonCode !== undefined) expect(errors[0]!.reasonCode).toBe(reasonCode);
    expect(r.isStopped).toBe(true);
  });

  it.each(MALFORMED)('refuses $name when it arrives one byte at a time', ({ bytes, reason, version }) => {
    const { r, packets, errors } = reader({ protocolVersion: version ?? 4 });
    for (const b of bytes) r.push(Buffer.from([b]));
    expect(packets).toEqual([]);
    expect(errors.map((e) => e.reason)).toEqual([reason]);
  });

  it('refuses a declared length above maxPacketSize from the first 5 bytes, before any body arrives', () => {
    const { r, errors } = reader();
    r.push(hex('30 ff ff ff 7f')); // 268,435,455 bytes declared, none sent
    expect(errors).toEqual([expect.objectContaining({ reason: 'packet_too_large', reasonCode: ReasonCode.PacketTooLarge })]);
  });

  it('refuses a 100 MB packet before CONNECT from its header, whatever follows', () => {
    const { r, packets, errors } = reader();
    r.push(hex('10 80 80 80 30')); // 100,663,296 bytes declared
    r.push(Buffer.alloc(64 * 1024));
    expect(packets).toEqual([]);
    expect(errors.map((e) => e.reason)).toEqual(['packet_too_large']);
  });

  it('counts the fixed header in maxPacketSize: accepts exactly the limit, refuses one byte more', () => {
    const exact = reader({ maxPacketSize: 9 });
    exact.r.push(GOLDEN[2]!.bytes); // 2 + 7 bytes
    expect(exact.errors).toEqual([]);
    expect(exact.packets).toHaveLength(1);
    const over = reader({ maxPacketSize: 8 });
    over.r.push(GOLDEN[2]!.bytes.subarray(0, 2)); // the fixed header alone is enough to decide
    expect(over.errors.map((e) => e.reason)).toEqual(['packet_too_large']);
  });

  it('delivers the packets before a bad one, reports once, and ignores everything after', () => {
    const { r, packets, errors } = reader();
    r.push(hex(PINGREQ + '38 05 0003 612f62' + PINGREQ));
    r.push(hex(PINGREQ));
    r.push(hex('ff'));
    expect(packets.map((p) => p.cmd)).toEqual(['pingreq']);
    expect(errors).toHaveLength(1);
  });

  it('does not let a throwing packet handler escape push', () => {
    const errors: ProtocolViolation[] = [];
    const r = new PacketReader({
      packetRead: () => {
        throw new Error('handler bug');
      },
      packetRefused: (e) => errors.push(e),
    });
    expect(() => r.push(hex(PINGREQ + PINGREQ))).not.toThrow();
    expect(errors).toEqual([expect.objectContaining({ reason: 'protocol_error', message: expect.stringContaining('handler bug') })]);
  });

  it('does not let a throwing error handler escape push', () => {
    const r = new PacketReader({
      packetRead: () => undefined,
      packetRefused: () => {
        throw new Error('handler bug');
      },
    });
    expect(() => r.push(hex('00 00'))).not.toThrow();
  });
});

describe('PacketReader readers share one parser', () => {
  it('parses the next packet of another reader after one failed in the middle of a field', () => {
    const bad = reader();
    const good = reader();
    // filter length 5 reads past the end of the SUBSCRIBE: the parser stops mid-packet
    bad.r.push(hex('82 08  0001  0005 612f2b 01'));
    good.r.push(hex('82 08  0001  0003 612f2b 01'));
    expect(bad.errors).toHaveLength(1);
    expect(good.errors).toEqual([]);
    expect(good.packets).toEqual([expect.objectContaining({ cmd: 'subscribe', subscriptions: [expect.objectContaining({ topic: 'a/+', qos: 1 })] })]);
  });

  it('keeps the protocol version of each reader apart', () => {
    const v5 = reader();
    const v4 = reader();
    v5.r.push(generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 5, clean: true, keepalive: 0, clientId: 'a' }));
    v4.r.push(generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, keepalive: 0, clientId: 'b' }));
    expect([v5.r.protocolVersion, v4.r.protocolVersion]).toEqual([5, 4]);
    // a v5 PUBACK carries a reason code; read as v4 the third byte would be an error
    v5.r.push(hex('40 03 0001 10'));
    expect(v5.errors).toEqual([]);
    expect(v5.packets[1]).toEqual(expect.objectContaining({ cmd: 'puback', reasonCode: 0x10 }));
    v4.r.push(hex('40 03 0001 10'));
    expect(v4.errors).toHaveLength(1);
  });

  it('rebuilds a multi-byte fixed header that straddled chunks byte for byte', () => {
    const whole = reader();
    const split = reader();
    const publish = generate({ cmd: 'publish', topic: 't', payload: Buffer.alloc(20_000, 7), qos: 0, retain: false, dup: false });
    whole.r.push(publish);
    for (const b of publish.subarray(0, 3)) split.r.push(Buffer.from([b]));
    split.r.push(publish.subarray(3));
    expect(split.errors).toEqual([]);
    expect(split.packets).toEqual(whole.packets);
  });
});

/**
 * A CONNECT written field by field from its Connect Flags, as no client
 * library would: the will, user name and password fields follow the flags,
 * and a Properties block (empty unless given) goes wherever mqtt-packet reads
 * one, i.e. when the level byte less the bridge bit is 5.
 */
function rawConnect(name: string, level: number, flags: number, properties: Buffer = Buffer.from([0])): Buffer {
  const v5 = (level & 0x7f) === 5;
  const parts = [str(name), Buffer.from([level, flags]), u16(30)];
  if (v5) parts.push(properties);
  parts.push(str('c1'));
  if ((flags & 0x04) !== 0) parts.push(...(v5 ? [Buffer.from([0])] : []), str('w/t'), str('bye'));
  if ((flags & 0x80) !== 0) parts.push(str('u'));
  if ((flags & 0x40) !== 0) parts.push(str('p'));
  return frame(0x10, Buffer.concat(parts));
}

/** Connect Flags: Clean Session/Start (0x02), Will (0x04) with Will QoS 3 (0x18), Password (0x40), User Name (0x80). */
const CLEAN = 0x02;
const WILL_QOS_3 = 0x04 | 0x18 | CLEAN;
const PASSWORD_ONLY = 0x40 | CLEAN;
/** Session Expiry Interval 60: a CONNECT property, so the plain CONNECT decoder leaves the packet to mqtt-packet. */
const SESSION_EXPIRY = Buffer.from([5, 0x11, 0, 0, 0, 60]);

interface RefusedConnect {
  name: string;
  bytes: Buffer;
  message: RegExp;
  reason: ProtocolViolation['reason'];
  reasonCode: number;
  /** The level the gateway answers in: 5 gets a v5 CONNACK with `reasonCode`; 3 and 4 a close; unset (unsupported) CONNACK 0x01. */
  connectProtocolVersion?: ProtocolVersionNumber;
}

/**
 * CONNECT packets mqtt-packet 9.0.2 parses without complaint and the specs
 * refuse (issue: the broker accepted all of these).
 */
const REFUSED_CONNECT: RefusedConnect[] = [
  {
    name: 'v3.1.1 Will QoS 3 [MQTT-3.1.2-14]',
    bytes: rawConnect('MQTT', 4, WILL_QOS_3),
    message: /Will QoS 3/,
    reason: 'malformed',
    reasonCode: ReasonCode.MalformedPacket,
    connectProtocolVersion: 4,
  },
  {
    name: 'v5 Will QoS 3 (MQTT 5.0 §3.1.2.6: a Malformed Packet) [MQTT-3.1.2-12]',
    bytes: rawConnect('MQTT', 5, WILL_QOS_3),
    message: /Will QoS 3/,
    reason: 'malformed',
    reasonCode: ReasonCode.MalformedPacket,
    connectProtocolVersion: 5,
  },
  {
    name: 'v3.1 Will QoS 3',
    bytes: rawConnect('MQIsdp', 3, WILL_QOS_3),
    message: /Will QoS 3/,
    reason: 'malformed',
    reasonCode: ReasonCode.MalformedPacket,
    connectProtocolVersion: 3,
  },
  {
    name: 'v3.1.1 Will QoS 3 with Will Retain [MQTT-3.1.2-14]',
    bytes: rawConnect('MQTT', 4, WILL_QOS_3 | 0x20),
    message: /Will QoS 3/,
    reason: 'malformed',
    reasonCode: ReasonCode.MalformedPacket,
    connectProtocolVersion: 4,
  },
  {
    name: 'v3.1.1 Password Flag without the User Name Flag [MQTT-3.1.2-22]',
    bytes: rawConnect('MQTT', 4, PASSWORD_ONLY),
    message: /Password Flag without the User Name Flag/,
    reason: 'malformed',
    reasonCode: ReasonCode.MalformedPacket,
    connectProtocolVersion: 4,
  },
  {
    name: 'v3.1 Password Flag without the User Name Flag',
    bytes: rawConnect('MQIsdp', 3, PASSWORD_ONLY),
    message: /Password Flag without the User Name Flag/,
    reason: 'malformed',
    reasonCode: ReasonCode.MalformedPacket,
    connectProtocolVersion: 3,
  },
  {
    name: 'protocol name MQTT with level 3 [MQTT-3.1.2-2]',
    bytes: rawConnect('MQTT', 3, CLEAN),
    message: /protocol name MQTT with level 3/,
    reason: 'protocol_error',
    reasonCode: ReasonCode.UnsupportedProtocolVersion,
  },
  {
    name: 'protocol name MQTT with level 3 and the bridge bit (0x83) [MQTT-3.1.2-2]',
    bytes: rawConnect('MQTT', 0x83, CLEAN),
    message: /protocol name MQTT with level 3/,
    reason: 'protocol_error',
    reasonCode: ReasonCode.UnsupportedProtocolVersion,
  },
  {
    name: 'protocol name MQIsdp with level 4 [MQTT-3.1.2-1]',
    bytes: rawConnect('MQIsdp', 4, CLEAN),
    message: /protocol name MQIsdp with level 4/,
    reason: 'protocol_error',
    reasonCode: ReasonCode.UnsupportedProtocolVersion,
  },
  {
    name: 'protocol name MQIsdp with level 5 [MQTT-3.1.2-1]',
    bytes: rawConnect('MQIsdp', 5, CLEAN),
    message: /protocol name MQIsdp with level 5/,
    reason: 'protocol_error',
    reasonCode: ReasonCode.UnsupportedProtocolVersion,
  },
  {
    name: 'protocol name MQIsdp with level 5 and the bridge bit (0x85) [MQTT-3.1.2-1]',
    bytes: rawConnect('MQIsdp', 0x85, CLEAN),
    message: /protocol name MQIsdp with level 5/,
    reason: 'protocol_error',
    reasonCode: ReasonCode.UnsupportedProtocolVersion,
  },
  // the protocol name and level come first in the packet: what follows them does not change the answer
  {
    name: 'protocol name MQTT with level 3 and Will QoS 3 [MQTT-3.1.2-2]',
    bytes: rawConnect('MQTT', 3, WILL_QOS_3),
    message: /protocol name MQTT with level 3/,
    reason: 'protocol_error',
    reasonCode: ReasonCode.UnsupportedProtocolVersion,
  },
  {
    name: 'protocol name MQIsdp with level 5 and a truncated Properties block [MQTT-3.1.2-1]',
    bytes: rawConnect('MQIsdp', 5, CLEAN, Buffer.from([5, 0x11, 0, 0])),
    message: /protocol name MQIsdp with level 5/,
    reason: 'protocol_error',
    reasonCode: ReasonCode.UnsupportedProtocolVersion,
  },
  {
    name: 'protocol name MQIsdp with level 4 and the reserved Connect Flag set [MQTT-3.1.2-1]',
    bytes: rawConnect('MQIsdp', 4, CLEAN | 0x01),
    message: /protocol name MQIsdp with level 4/,
    reason: 'protocol_error',
    reasonCode: ReasonCode.UnsupportedProtocolVersion,
  },
];

/** The same CONNECT shapes where the specs allow them: the checks above must not catch these. */
const ACCEPTED_CONNECT: { name: string; bytes: Buffer; packet: Record<string, unknown> }[] = [
  {
    name: 'v5 Password Flag without the User Name Flag (MQTT 5.0 §3.1.2.9)',
    bytes: rawConnect('MQTT', 5, PASSWORD_ONLY, SESSION_EXPIRY),
    packet: { protocolId: 'MQTT', protocolVersion: 5, password: Buffer.from('p') },
  },
  {
    name: 'v3.1.1 Will QoS 2 with Will Retain and the bridge bit (0x84)',
    bytes: rawConnect('MQTT', 0x84, 0x04 | 0x10 | 0x20 | CLEAN),
    packet: { protocolId: 'MQTT', protocolVersion: 4, bridgeMode: true, will: expect.objectContaining({ qos: 2, retain: true }) },
  },
  {
    name: 'v3.1 with the bridge bit (0x83)',
    bytes: rawConnect('MQIsdp', 0x83, 0xc0 | CLEAN),
    packet: { protocolId: 'MQIsdp', protocolVersion: 3, bridgeMode: true, username: 'u' },
  },
  {
    name: 'v5 Will QoS 2 with Will Properties',
    bytes: rawConnect('MQTT', 5, 0x04 | 0x10 | CLEAN, SESSION_EXPIRY),
    packet: { protocolId: 'MQTT', protocolVersion: 5, will: expect.objectContaining({ qos: 2 }) },
  },
];

describe('PacketReader refuses CONNECT packets mqtt-packet accepts', () => {
  it.each(REFUSED_CONNECT)('refuses $name', ({ bytes, message, reason, reasonCode, connectProtocolVersion }) => {
    const { r, packets, errors } = reader();
    r.push(Buffer.concat([bytes, hex(PINGREQ)]));
    expect(packets).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toEqual(expect.objectContaining({ reason, reasonCode, message: expect.stringMatching(message) }));
    expect(errors[0]!.connectProtocolVersion).toBe(connectProtocolVersion);
    expect(r.isStopped).toBe(true);
  });

  it.each(REFUSED_CONNECT)('refuses $name when it arrives one byte at a time', ({ bytes, reasonCode }) => {
    const { r, packets, errors } = reader();
    for (const b of bytes) r.push(Buffer.from([b]));
    expect(packets).toEqual([]);
    expect(errors.map((e) => e.reasonCode)).toEqual([reasonCode]);
  });

  it.each(ACCEPTED_CONNECT)('accepts $name', ({ bytes, packet }) => {
    const { r, packets, errors } = reader();
    r.push(bytes);
    expect(errors).toEqual([]);
    expect(packets).toEqual([expect.objectContaining({ cmd: 'connect', ...packet })]);
  });
});
