import { frame, str, u16 } from '@mqp/testing';
import { generate, type IConnectPacket, type Packet } from 'mqtt-packet';
import { parsedByMqttPacket } from './mqtt-packet-reference.test-harness';
import { decodePlainConnect } from './connect-decoder';
import { PacketReader, type ProtocolViolation } from './packet-reader';
import { ReasonCode } from './reason-codes';

/** What a PacketReader (the broker's path, strict checks included) makes of `bytes`. */
function read(bytes: Buffer): { packets: Packet[]; errors: ProtocolViolation[] } {
  const packets: Packet[] = [];
  const errors: ProtocolViolation[] = [];
  new PacketReader({ packetRead: (p) => packets.push(p), packetRefused: (e) => errors.push(e) }).push(bytes);
  return { packets, errors };
}

interface Shape {
  protocolId?: string | Buffer;
  level: number;
  clean?: boolean;
  keepalive?: number;
  clientId?: string | Buffer;
  will?: { topic: string | Buffer; payload: Buffer; qos: number; retain: boolean; properties?: Buffer };
  username?: string | Buffer;
  password?: Buffer;
  /** v5 CONNECT properties, encoded with their length; default the empty block. */
  properties?: Buffer;
  /** Replaces the Connect Flags computed from the fields. */
  flags?: number;
  /** Bytes after the last field. */
  trailing?: Buffer;
}

/**
 * The bytes of a CONNECT, written here rather than by `generate`, which
 * cannot write the odd shapes (a password without a user name, an empty will
 * topic, wrong flags) the decoder must leave alone.
 */
function connectBytes(shape: Shape): Buffer {
  const v5 = shape.level === 5;
  const will = shape.will;
  const flags =
    shape.flags ??
    ((shape.username !== undefined ? 0x80 : 0) |
      (shape.password !== undefined ? 0x40 : 0) |
      (will?.retain ? 0x20 : 0) |
      ((will?.qos ?? 0) << 3) |
      (will !== undefined ? 0x04 : 0) |
      (shape.clean !== false ? 0x02 : 0));
  const body = Buffer.concat([
    str(shape.protocolId ?? (shape.level === 3 ? 'MQIsdp' : 'MQTT')),
    Buffer.from([shape.level, flags]),
    u16(shape.keepalive ?? 60),
    v5 ? (shape.properties ?? Buffer.from([0])) : Buffer.alloc(0),
    str(shape.clientId ?? 'c1'),
    will !== undefined ? Buffer.concat([v5 ? (will.properties ?? Buffer.from([0])) : Buffer.alloc(0), str(will.topic), str(will.payload)]) : Buffer.alloc(0),
    shape.username !== undefined ? str(shape.username) : Buffer.alloc(0),
    shape.password !== undefined ? str(shape.password) : Buffer.alloc(0),
    shape.trailing ?? Buffer.alloc(0),
  ]);
  return frame(0x10, body);
}

/** Both objects as plain objects: the same fields with the same values and types (Buffer stays Buffer, undefined is not missing). */
function expectSamePacket(decoded: IConnectPacket | undefined, expected: Packet): void {
  expect(decoded).toBeDefined();
  expect({ ...decoded }).toStrictEqual({ ...expected });
}

const BINARY = Buffer.from([0x00, 0xff, 0x80, 0xc0, 0xed, 0xa0, 0x80]);

describe('decodePlainConnect', () => {
  const clientIds = ['', 'c1', 'ünïcødé-€-𝄞', 'x'.repeat(300)];
  const wills: (Shape['will'] | undefined)[] = [undefined];
  for (const qos of [0, 1, 2])
    for (const retain of [false, true]) wills.push({ topic: qos === 1 ? 'dev/€/𝄞/status' : 'w/t', payload: qos === 2 ? BINARY : Buffer.from('offline'), qos, retain });
  wills.push({ topic: 'w', payload: Buffer.alloc(0), qos: 0, retain: false });
  const credentials: Pick<Shape, 'username' | 'password'>[] = [{}, { username: 'u' }, { username: 'ünï', password: BINARY }, { username: '', password: Buffer.alloc(0) }];

  it('decodes MQTT 3.1, 3.1.1 and 5.0 CONNECT packets as mqtt-packet does [MQTT-3.1.2] [MQTT-3.1.3]', () => {
    let count = 0;
    for (const level of [3, 4, 5])
      for (const will of wills)
        for (const creds of [...credentials, ...(level === 5 ? [{ password: Buffer.from('p') }] : [])])
          for (const clean of [true, false])
            for (const keepalive of [0, 65_535])
              for (const clientId of clientIds) {
                const bytes = connectBytes({ level, will, ...creds, clean, keepalive, clientId });
                expectSamePacket(decodePlainConnect(bytes), parsedByMqttPacket(bytes));
                count++;
              }
    expect(count).toBe(3 * wills.length * 2 * 2 * clientIds.length * 4 + wills.length * 2 * 2 * clientIds.length);
  });

  it('decodes the bytes mqtt-packet writes for the same CONNECT', () => {
    const packets: IConnectPacket[] = [
      { cmd: 'connect', protocolId: 'MQIsdp', protocolVersion: 3, clientId: 'old-device', clean: true, keepalive: 30 },
      { cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: 'c', clean: false, keepalive: 0, username: 'u', password: Buffer.from('secret') },
      {
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 5,
        clientId: 'd',
        clean: true,
        keepalive: 10,
        will: { topic: 'd/status', payload: Buffer.from('gone'), qos: 1, retain: true },
      },
    ];
    for (const packet of packets) {
      const bytes = generate(packet);
      const decoded = decodePlainConnect(bytes);
      expect(decoded).toEqual(expect.objectContaining(packet));
      expectSamePacket(decoded, parsedByMqttPacket(bytes));
    }
  });

  it('reads a Remaining Length of several bytes', () => {
    const bytes = connectBytes({ level: 4, will: { topic: 't', payload: Buffer.alloc(20_000, 7), qos: 1, retain: false } });
    expect(bytes[1]! & 0x80).toBe(0x80);
    const decoded = decodePlainConnect(bytes);
    expect(decoded?.will?.payload.length).toBe(20_000);
    expectSamePacket(decoded, parsedByMqttPacket(bytes));
  });

  it('gives the will payload and the password as Buffers, also when they are not valid UTF-8', () => {
    const decoded = decodePlainConnect(connectBytes({ level: 4, will: { topic: 't', payload: BINARY, qos: 0, retain: false }, username: 'u', password: BINARY }));
    expect(Buffer.isBuffer(decoded?.will?.payload) && decoded?.will?.payload.equals(BINARY)).toBe(true);
    expect(Buffer.isBuffer(decoded?.password) && decoded?.password.equals(BINARY)).toBe(true);
  });
});

interface Refused {
  name: string;
  bytes: Buffer;
  /** What the broker's reader reports, as before the decoder: its general parser still decides. */
  message: RegExp;
  reason: ProtocolViolation['reason'];
  reasonCode: number;
  /** Set when the reader knew the CONNECT's level: a v5 client gets CONNACK with the reason code before the close. */
  connectProtocolVersion?: 3 | 4 | 5;
}

/** A CONNECT fixed header before `body` (hex), for the shapes connectBytes cannot cut short. */
function connectWithBody(body: string): Buffer {
  return frame(0x10, Buffer.from(body.replace(/\s+/g, ''), 'hex'));
}

const REFUSED: Refused[] = [
  {
    name: 'the reserved Connect Flag set [MQTT-3.1.2-3]',
    bytes: connectBytes({ level: 4, flags: 0x03 }),
    message: /flag bit 0 must be 0/,
    reason: 'malformed',
    reasonCode: ReasonCode.MalformedPacket,
    connectProtocolVersion: 4,
  },
  {
    name: 'Will QoS 1 without the Will Flag [MQTT-3.1.2-13]',
    bytes: connectBytes({ level: 4, flags: 0x0a }),
    message: /Will QoS must be set to zero/,
    reason: 'malformed',
    reasonCode: ReasonCode.MalformedPacket,
    connectProtocolVersion: 4,
  },
  {
    name: 'Will Retain without the Will Flag [MQTT-3.1.2-15]',
    bytes: connectBytes({ level: 5, flags: 0x22 }),
    message: /Will Retain Flag must be set to zero/,
    reason: 'malformed',
    reasonCode: ReasonCode.MalformedPacket,
    connectProtocolVersion: 5,
  },
  {
    name: 'protocol name MQTX [MQTT-3.1.2-1]',
    bytes: connectBytes({ level: 4, protocolId: 'MQTX' }),
    message: /Invalid protocolId/,
    reason: 'protocol_error',
    reasonCode: ReasonCode.UnsupportedProtocolVersion,
  },
  {
    name: 'protocol name whose length points past the packet',
    bytes: connectWithBody('0009 4d51'),
    message: /Cannot parse protocolId/,
    reason: 'protocol_error',
    reasonCode: ReasonCode.UnsupportedProtocolVersion,
  },
  {
    name: 'protocol name MQTT with level 3 [MQTT-3.1.2-2]',
    bytes: connectBytes({ level: 3, protocolId: 'MQTT' }),
    message: /protocol name MQTT with level 3/,
    reason: 'protocol_error',
    reasonCode: ReasonCode.UnsupportedProtocolVersion,
  },
  {
    name: 'protocol name MQIsdp with level 4 [MQTT-3.1.2-1]',
    bytes: connectBytes({ level: 4, protocolId: 'MQIsdp' }),
    message: /protocol name MQIsdp with level 4/,
    reason: 'protocol_error',
    reasonCode: ReasonCode.UnsupportedProtocolVersion,
  },
  {
    name: 'a v3.1.1 Password Flag without the User Name Flag [MQTT-3.1.2-22]',
    bytes: connectBytes({ level: 4, password: Buffer.from('p') }),
    message: /Password Flag without the User Name Flag/,
    reason: 'malformed',
    reasonCode: ReasonCode.MalformedPacket,
    connectProtocolVersion: 4,
  },
  {
    name: 'Will QoS 3 [MQTT-3.1.2-14]',
    bytes: connectBytes({ level: 4, will: { topic: 't', payload: Buffer.from('x'), qos: 3, retain: false } }),
    message: /Will QoS 3/,
    reason: 'malformed',
    reasonCode: ReasonCode.MalformedPacket,
    connectProtocolVersion: 4,
  },
  {
    name: 'protocol level 6 [MQTT-3.1.2-2]',
    bytes: connectBytes({ level: 6 }),
    message: /Invalid protocol version/,
    reason: 'protocol_error',
    reasonCode: ReasonCode.UnsupportedProtocolVersion,
  },
  {
    name: 'a client id that is an overlong UTF-8 encoding [MQTT-1.5.4-1]',
    bytes: connectBytes({ level: 4, clientId: Buffer.from([0x61, 0xc0, 0xaf]) }),
    message: /malformed UTF-8/,
    reason: 'malformed',
    reasonCode: ReasonCode.MalformedPacket,
    connectProtocolVersion: 4,
  },
  {
    name: 'a v5 client id with U+0000 [MQTT-1.5.4-2]',
    bytes: connectBytes({ level: 5, clientId: Buffer.from([0x61, 0x00]) }),
    message: /U\+0000/,
    reason: 'malformed',
    reasonCode: ReasonCode.MalformedPacket,
    connectProtocolVersion: 5,
  },
  {
    name: 'a will topic with a UTF-16 surrogate [MQTT-1.5.4-1]',
    bytes: connectBytes({ level: 4, will: { topic: Buffer.from([0xed, 0xa0, 0x80]), payload: Buffer.from('x'), qos: 0, retain: false } }),
    message: /surrogate/,
    reason: 'malformed',
    reasonCode: ReasonCode.MalformedPacket,
    connectProtocolVersion: 4,
  },
  {
    name: 'a user name cut inside a character [MQTT-1.5.4-1]',
    bytes: connectBytes({ level: 5, username: Buffer.from([0x75, 0xe2, 0x82]) }),
    message: /truncated sequence/,
    reason: 'malformed',
    reasonCode: ReasonCode.MalformedPacket,
    connectProtocolVersion: 5,
  },
  {
    name: 'a byte after the password',
    bytes: connectBytes({ level: 4, username: 'u', password: Buffer.from('p'), trailing: Buffer.from([0]) }),
    message: /unexpected bytes/,
    reason: 'malformed',
    reasonCode: ReasonCode.MalformedPacket,
    connectProtocolVersion: 4,
  },
  {
    name: 'a byte after the client id of a v5 CONNECT',
    bytes: connectBytes({ level: 5, trailing: Buffer.from([0]) }),
    message: /unexpected bytes/,
    reason: 'malformed',
    reasonCode: ReasonCode.MalformedPacket,
    connectProtocolVersion: 5,
  },
  {
    name: 'a packet that ends inside the Keep Alive',
    bytes: connectWithBody('0004 4d515454 04 02 00'),
    message: /Packet too short/,
    reason: 'malformed',
    reasonCode: ReasonCode.MalformedPacket,
    connectProtocolVersion: 4,
  },
  {
    name: 'a client id whose length points past the packet',
    bytes: connectWithBody('0004 4d515454 04 02 003c 0009 63'),
    message: /Packet too short/,
    reason: 'malformed',
    reasonCode: ReasonCode.MalformedPacket,
    connectProtocolVersion: 4,
  },
  {
    name: 'the User Name Flag without a user name',
    bytes: connectBytes({ level: 4, flags: 0x82 }),
    message: /Cannot parse username/,
    reason: 'malformed',
    reasonCode: ReasonCode.MalformedPacket,
    connectProtocolVersion: 4,
  },
  {
    name: 'the Password Flag without a password',
    bytes: connectBytes({ level: 4, username: 'u', flags: 0xc2 }),
    message: /Cannot parse password/,
    reason: 'malformed',
    reasonCode: ReasonCode.MalformedPacket,
    connectProtocolVersion: 4,
  },
  {
    name: 'the Will Flag without a will payload',
    bytes: connectWithBody('0004 4d515454 04 06 003c 0001 63 0001 74'),
    message: /Cannot parse will payload/,
    reason: 'malformed',
    reasonCode: ReasonCode.MalformedPacket,
    connectProtocolVersion: 4,
  },
  {
    name: 'a v5 CONNECT without its Properties length',
    bytes: connectWithBody('0004 4d515454 05 02 003c'),
    message: /missing properties/,
    reason: 'malformed',
    reasonCode: ReasonCode.MalformedPacket,
    connectProtocolVersion: 5,
  },
  {
    name: 'a v5 will whose Properties length points past them',
    bytes: connectBytes({ level: 5, will: { topic: 't', payload: Buffer.from('x'), qos: 0, retain: false, properties: Buffer.from([9]) } }),
    message: /properties length does not match|truncated|Cannot parse/,
    reason: 'malformed',
    reasonCode: ReasonCode.MalformedPacket,
    connectProtocolVersion: 5,
  },
];

describe('decodePlainConnect leaves refused CONNECT packets to the general parser', () => {
  it.each(REFUSED)('gives undefined for $name', ({ bytes }) => {
    expect(decodePlainConnect(bytes)).toBeUndefined();
  });

  it.each(REFUSED)('the reader refuses $name as it did without the decoder', ({ bytes, message, reason, reasonCode, connectProtocolVersion }) => {
    const { packets, errors } = read(bytes);
    expect(packets).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toEqual(expect.objectContaining({ reason, reasonCode, message: expect.stringMatching(message) }));
    expect(errors[0]!.connectProtocolVersion).toBe(connectProtocolVersion);
  });
});

/** Accepted by the general parser but not plain: the decoder leaves them to it, which reads them as before. */
const UNUSUAL: { name: string; bytes: Buffer }[] = [
  { name: 'the bridge bit on level 4 (0x84)', bytes: connectBytes({ level: 0x84 }) },
  { name: 'v5 CONNECT properties', bytes: connectBytes({ level: 5, properties: Buffer.from([5, 0x11, 0, 0, 0, 60]) }) },
  {
    name: 'v5 Will Properties',
    bytes: connectBytes({ level: 5, will: { topic: 't', payload: Buffer.from('x'), qos: 1, retain: false, properties: Buffer.from([5, 0x18, 0, 0, 0, 5]) } }),
  },
];

describe('decodePlainConnect leaves unusual CONNECT packets to the general parser', () => {
  it.each(UNUSUAL)('gives undefined for $name, which the reader reads as mqtt-packet does', ({ bytes }) => {
    expect(decodePlainConnect(bytes)).toBeUndefined();
    const { packets, errors } = read(bytes);
    expect(errors).toEqual([]);
    expect(packets).toEqual([parsedByMqttPacket(bytes)]);
  });
});
