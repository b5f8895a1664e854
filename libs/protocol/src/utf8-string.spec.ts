import { frame, prop, props, str, u16 } from '@mqp/testing';
import type { Packet } from 'mqtt-packet';
import { PacketReader, type ProtocolViolation } from './packet-reader';
import { ReasonCode } from './reason-codes';
import { utf8StringProblem } from './utf8-string';

const bytes = (...b: number[]): Buffer => Buffer.from(b);

describe('utf8StringProblem', () => {
  it.each([
    ['ASCII', Buffer.from('sensors/a/temp')],
    ['the empty string', Buffer.alloc(0)],
    ['2-, 3- and 4-byte characters (é, €, 😀)', Buffer.from('é€😀')],
    ['U+FFFD sent on purpose (EF BF BD)', bytes(0xef, 0xbf, 0xbd)],
    ['the last code point U+10FFFF (F4 8F BF BF)', bytes(0xf4, 0x8f, 0xbf, 0xbf)],
    ['U+D7FF and U+E000, either side of the surrogates', bytes(0xed, 0x9f, 0xbf, 0xee, 0x80, 0x80)],
  ])('accepts %s [MQTT-1.5.4-1]', (_name, b) => {
    expect(utf8StringProblem(b)).toBeUndefined();
  });

  it.each([
    ['a lone continuation byte (80)', bytes(0x61, 0x80)],
    ['FF', bytes(0xff)],
    ['F5 (above U+10FFFF)', bytes(0xf5, 0x80, 0x80, 0x80)],
    ['F4 90 80 80 (U+110000)', bytes(0xf4, 0x90, 0x80, 0x80)],
    ['an overlong "/" (C0 AF)', bytes(0xc0, 0xaf)],
    ['an overlong 3-byte form (E0 80 AF)', bytes(0xe0, 0x80, 0xaf)],
    ['an overlong 4-byte form (F0 80 80 AF)', bytes(0xf0, 0x80, 0x80, 0xaf)],
    ['a sequence cut short at the end (E2 82)', bytes(0x61, 0xe2, 0x82)],
    ['a sequence interrupted by ASCII (E2 41 AC)', bytes(0xe2, 0x41, 0xac)],
  ])('refuses ill-formed UTF-8: %s [MQTT-1.5.4-1]', (_name, b) => {
    expect(utf8StringProblem(b)).toMatch(/ill-formed UTF-8/);
  });

  it.each([
    ['U+D800 (ED A0 80)', bytes(0xed, 0xa0, 0x80)],
    ['U+DFFF (ED BF BF)', bytes(0x61, 0xed, 0xbf, 0xbf)],
  ])('refuses the surrogate %s [MQTT-1.5.4-1]', (_name, b) => {
    expect(utf8StringProblem(b)).toBe('contains a UTF-16 surrogate');
  });

  it('refuses U+0000 in ASCII and after a multi-byte character [MQTT-1.5.4-2]', () => {
    expect(utf8StringProblem(bytes(0x61, 0x00))).toBe('contains U+0000');
    expect(utf8StringProblem(Buffer.concat([Buffer.from('é'), bytes(0x00)]))).toBe('contains U+0000');
  });

  it('checks only the given range', () => {
    const b = bytes(0xff, 0x61, 0x62, 0xff);
    expect(utf8StringProblem(b, 1, 3)).toBeUndefined();
    expect(utf8StringProblem(b, 1, 4)).toBeDefined();
    // a sequence that runs past `end` is cut short even if the buffer goes on
    expect(utf8StringProblem(Buffer.from('€'), 0, 2)).toMatch(/truncated/);
  });
});

// ---- the same check inside PacketReader, on every UTF-8 string field of a packet

interface ConnectParts {
  version?: 4 | 5;
  clientId?: string | Buffer;
  properties?: Buffer;
  will?: { topic: string | Buffer; properties?: Buffer };
  username?: string | Buffer;
}
function connect(o: ConnectParts = {}): Buffer {
  const version = o.version ?? 5;
  let flags = 0x02;
  if (o.will) flags |= 0x04;
  if (o.username !== undefined) flags |= 0x80;
  const parts = [str('MQTT'), bytes(version, flags), u16(0)];
  if (version === 5) parts.push(o.properties ?? props());
  parts.push(str(o.clientId ?? 'c'));
  if (o.will) {
    if (version === 5) parts.push(o.will.properties ?? props());
    parts.push(str(o.will.topic), str('payload'));
  }
  if (o.username !== undefined) parts.push(str(o.username));
  return frame(0x10, Buffer.concat(parts));
}

/** Feeds `first` (a valid v5 CONNECT unless given), then `packet`; returns what the reader reported. */
function feed(packet: Buffer | undefined, first: Buffer = connect()): { packets: Packet[]; errors: ProtocolViolation[] } {
  const packets: Packet[] = [];
  const errors: ProtocolViolation[] = [];
  const r = new PacketReader({ packetRead: (p) => packets.push(p), packetRefused: (e) => errors.push(e) });
  r.push(first);
  if (packet) r.push(packet);
  return { packets, errors };
}

const SURROGATE = bytes(0xed, 0xa0, 0x80);
const FF = bytes(0x61, 0xff);
const NUL = bytes(0x61, 0x00);
const pair = (name: Buffer | string, value: Buffer | string): Buffer => Buffer.concat([str(name), str(value)]);

describe('PacketReader refuses a malformed UTF-8 string in any field [MQTT-1.5.4-1] [MQTT-1.5.4-2]', () => {
  const ONE = (topic: Buffer | string, p: Buffer = props()): Buffer => frame(0x30, Buffer.concat([str(topic), p, Buffer.from('x')]));
  const cases: [string, Buffer][] = [
    ['a PUBLISH topic with FF', ONE(FF)],
    ['a PUBLISH topic with a surrogate', ONE(SURROGATE)],
    ['a PUBLISH topic with U+0000', ONE(NUL)],
    ['a PUBLISH Content Type', ONE('t', props(prop(0x03, str(FF))))],
    ['a PUBLISH Response Topic', ONE('t', props(prop(0x08, str(SURROGATE))))],
    ['a PUBLISH User Property name', ONE('t', props(prop(0x26, pair(NUL, 'v'))))],
    ['a PUBLISH User Property value', ONE('t', props(prop(0x26, pair('k', FF))))],
    ['a SUBSCRIBE filter', frame(0x82, Buffer.concat([u16(1), props(), str(SURROGATE), bytes(0)]))],
    ['an UNSUBSCRIBE filter', frame(0xa2, Buffer.concat([u16(1), props(), str(FF)]))],
    ['a PUBACK Reason String', frame(0x40, Buffer.concat([u16(1), bytes(0x80), props(prop(0x1f, str(FF)))]))],
    ['a DISCONNECT Reason String', frame(0xe0, Buffer.concat([bytes(0), props(prop(0x1f, str(SURROGATE)))]))],
    ['a DISCONNECT User Property', frame(0xe0, Buffer.concat([bytes(0), props(prop(0x26, pair('k', NUL)))]))],
    ['an AUTH Authentication Method', frame(0xf0, Buffer.concat([bytes(0x18), props(prop(0x15, str(FF)))]))],
  ];
  it.each(cases)('refuses %s as malformed (0x81)', (_name, packet) => {
    const { packets, errors } = feed(packet);
    expect(packets.map((p) => p.cmd)).toEqual(['connect']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ reason: 'malformed', reasonCode: ReasonCode.MalformedPacket });
    expect(errors[0]!.message).toMatch(/malformed UTF-8 string/);
  });

  const connects: [string, Buffer][] = [
    ['the client id', connect({ clientId: FF })],
    ['the user name', connect({ username: SURROGATE })],
    ['the will topic', connect({ will: { topic: NUL } })],
    ['a will Content Type', connect({ will: { topic: 'w', properties: props(prop(0x03, str(FF))) } })],
    ['a will Response Topic', connect({ will: { topic: 'w', properties: props(prop(0x08, str(SURROGATE))) } })],
    ['a will User Property', connect({ will: { topic: 'w', properties: props(prop(0x26, pair(FF, 'v'))) } })],
    ['a CONNECT Authentication Method', connect({ properties: props(prop(0x15, str(SURROGATE))) })],
    ['a CONNECT User Property', connect({ properties: props(prop(0x26, pair('k', FF))) })],
  ];
  it.each(connects)('refuses a v5 CONNECT with a bad UTF-8 string in %s, telling the caller the CONNECT was v5 (CONNACK 0x81 is due)', (_name, packet) => {
    const { packets, errors } = feed(undefined, packet);
    expect(packets).toEqual([]);
    expect(errors).toEqual([expect.objectContaining({ reason: 'malformed', reasonCode: ReasonCode.MalformedPacket, connectProtocolVersion: 5 })]);
  });

  it('refuses a v3.1.1 CONNECT with ill-formed UTF-8 in the client id, user name or will topic, as v4 (closed without CONNACK) [MQTT-1.5.3-1]', () => {
    for (const packet of [connect({ version: 4, clientId: FF }), connect({ version: 4, username: SURROGATE }), connect({ version: 4, will: { topic: NUL } })]) {
      const { errors } = feed(undefined, packet);
      expect(errors).toEqual([expect.objectContaining({ reason: 'malformed', connectProtocolVersion: 4 })]);
    }
  });

  it('refuses a v3.1.1 PUBLISH topic with a surrogate [MQTT-1.5.3-1]', () => {
    const { errors } = feed(frame(0x30, Buffer.concat([str(SURROGATE), Buffer.from('x')])), connect({ version: 4 }));
    expect(errors).toEqual([expect.objectContaining({ reason: 'malformed' })]);
  });

  it('accepts multi-byte UTF-8 everywhere, and does not check the payload or binary properties', () => {
    const text = 'çà/€/😀';
    const publish = frame(
      0x30,
      Buffer.concat([str(text), props(prop(0x03, str(text)), prop(0x09, str(FF)), prop(0x26, pair(text, text))), bytes(0xff, 0x00)]),
    );
    const { packets, errors } = feed(publish, connect({ clientId: text, username: text }));
    expect(errors).toEqual([]);
    expect(packets.map((p) => p.cmd)).toEqual(['connect', 'publish']);
    expect(packets[1]).toMatchObject({ topic: text, properties: { contentType: text, userProperties: { [text]: text } } });
  });

  it('still answers a wrong protocol name as an unsupported protocol, not as bad UTF-8 [MQTT-3.1.2-1]', () => {
    const body = Buffer.concat([str(bytes(0x4d, 0xff)), bytes(5, 2), u16(0), props(), str('c')]);
    const { errors } = feed(undefined, frame(0x10, body));
    expect(errors[0]?.reasonCode).toBe(ReasonCode.UnsupportedProtocolVersion);
  });
});
