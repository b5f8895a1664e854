import type { Message, MessageOrigin, MessageProperties, QoS } from '@mqp/model';
import { fixedHeaderLength, LastString, MAX_REMAINING_LENGTH, writeQos0PublishHeader } from '@mqp/protocol';

/**
 * The bytes of an application message on the bus. Binary rather than JSON
 * because it is on the hot path and the payload is arbitrary bytes:
 *
 *   u8 version (2) | u8 flags | u16 len + id
 *   | u16 len + origin client id | u16 len + origin gateway id
 *   | f64 createdAt | [f64 expiresAt] | [u32 len + properties JSON]
 *   | [PUBLISH fixed header] | u16 len + topic | payload…
 *
 * flags: bits 0-1 QoS, bit 2 retain, bit 3 has expiresAt, bit 4 has
 * properties, bit 5 framed. A framed message (QoS 0, no RETAIN, properties or
 * expiry) carries the fixed header of its MQTT 3.1.1 PUBLISH packet, so that
 * from there on the envelope *is* that packet (MQTT 3.1.1 §3.3): a receiving
 * gateway writes it as it is to its MQTT 3.1 and 3.1.1 subscribers at QoS 0
 * (envelopeArrival) instead of making it again for each message.
 * Trace context does not live here: it travels in bus headers (`traceparent`).
 */
const VERSION = 2;
const FLAG_RETAIN = 0b100;
const FLAG_EXPIRES = 0b1000;
const FLAG_PROPERTIES = 0b10000;
const FLAG_FRAMED = 0b100000;

interface WireProperties extends Omit<MessageProperties, 'correlationData'> {
  correlationData?: string; // base64
}

/**
 * The PUBLISH packet a message arrived in, when a gateway may forward it
 * unchanged: QoS 0, no RETAIN, no properties (so no expiry), which is also
 * what a subscriber's QoS 0 copy without RETAIN, subscription identifiers or
 * topic alias would be, byte for byte.
 */
export interface ArrivalPacket {
  readonly bytes: Buffer;
  /** Its framing: 4 for MQTT 3.1 and 3.1.1 (the same bytes), 5 for 5.0 (an empty Properties block). */
  readonly framing: 4 | 5;
}

/** The PUBLISH framing of a client of `protocolVersion`: 3.1 and 3.1.1 share one (see ArrivalPacket). */
export function framingOf(protocolVersion: number): 4 | 5 {
  return protocolVersion === 5 ? 5 : 4;
}

/**
 * The envelope of `message`. `arrival`, the packet the message arrived in
 * (see LocalMessage), may be given: an MQTT 3.1/3.1.1 one is the framed
 * envelope's tail byte for byte, copied whole instead of written field by field.
 */
export function encodeMessage(message: Message, arrival?: ArrivalPacket, layout = measureMessage(message, arrival)): Buffer {
  const out = Buffer.allocUnsafe(layout.length);
  writeMessage(out, 0, message, arrival, layout);
  return out;
}

/**
 * What writing a message's envelope needs to know first: the lengths of its
 * strings and the bytes of its origin and properties, measured once. A bus
 * that packs several envelopes into one buffer (NatsBus's runs) measures them
 * all, allocates once and writes each in place (writeMessage), instead of
 * making a buffer per envelope and copying it again.
 */
export interface EnvelopeLayout {
  /** The envelope's length in bytes. */
  readonly length: number;
  readonly idLength: number;
  readonly origin: Buffer;
  readonly properties: Buffer | undefined;
  /** 0 when the arrival packet is copied whole (the topic is inside it). */
  readonly topicLength: number;
  /** The PUBLISH Remaining Length of a framed envelope written field by field, else -1. */
  readonly framedRemaining: number;
}

export function measureMessage(message: Message, arrival?: ArrivalPacket): EnvelopeLayout {
  // strings are measured, then written straight into the one buffer (no intermediate Buffer per field: hot path)
  const idLength = utf8Length(message.id);
  const origin = originBytes(message.origin);
  const properties = message.properties && hasAny(message.properties) ? Buffer.from(JSON.stringify(toWire(message.properties)), 'utf8') : undefined;
  const head = 2 + 2 + idLength + origin.length + 8 + (message.expiresAt !== undefined ? 8 : 0) + (properties ? 4 + properties.length : 0);
  // an arrival is only ever the packet of a message that is framed (QoS 0, no RETAIN, no properties)
  if (arrival?.framing === 4) return { length: head + arrival.bytes.length, idLength, origin, properties, topicLength: 0, framedRemaining: -1 };
  const topicLength = utf8Length(message.topic);
  // the PUBLISH packet's Remaining Length: topic and payload (QoS 0 has no packet id)
  const remaining = 2 + topicLength + message.payload.length;
  const framed = message.qos === 0 && !message.retain && message.expiresAt === undefined && properties === undefined && remaining <= MAX_REMAINING_LENGTH;
  const length = head + (framed ? fixedHeaderLength(remaining) : 0) + remaining;
  return { length, idLength, origin, properties, topicLength, framedRemaining: framed ? remaining : -1 };
}

/** Writes the envelope of `message` as `layout` (its measureMessage) says at `at` of `out`; returns the offset after it. */
export function writeMessage(out: Buffer, at: number, message: Message, arrival: ArrivalPacket | undefined, layout: EnvelopeLayout): number {
  const { idLength, origin, properties, framedRemaining } = layout;
  const copiesArrival = arrival?.framing === 4;
  at = writeHead(out, at, message, copiesArrival || framedRemaining >= 0 ? FLAG_FRAMED : 0, idLength, origin, properties);
  if (copiesArrival) {
    out.set(arrival.bytes, at);
    return at + arrival.bytes.length;
  }
  if (framedRemaining >= 0) at = writeQos0PublishHeader(out, at, framedRemaining);
  at = writeString(out, at, message.topic, layout.topicLength);
  out.set(message.payload, at);
  return at + message.payload.length;
}

/** Writes every field before the fixed header and topic at `at`; returns the offset after them. */
function writeHead(out: Buffer, at: number, message: Message, framed: number, idLength: number, origin: Buffer, properties: Buffer | undefined): number {
  let flags = (message.qos & 0b11) | framed;
  if (message.retain) flags |= FLAG_RETAIN;
  if (message.expiresAt !== undefined) flags |= FLAG_EXPIRES;
  if (properties) flags |= FLAG_PROPERTIES;
  out[at] = VERSION;
  out[at + 1] = flags;
  at = writeString(out, at + 2, message.id, idLength);
  out.set(origin, at);
  at += origin.length;
  at = out.writeDoubleBE(message.createdAt, at);
  if (message.expiresAt !== undefined) at = out.writeDoubleBE(message.expiresAt, at);
  if (properties) {
    at = out.writeUInt32BE(properties.length, at);
    at += properties.copy(out, at);
  }
  return at;
}

export function decodeMessage(data: Uint8Array): Message {
  try {
    return decode(bufferOf(data), data);
  } catch (err) {
    throw envelopeError(err);
  }
}

/** A read past the end of the bytes, reported as a truncated envelope. */
function envelopeError(err: unknown): unknown {
  // by name: Buffer's out-of-range errors may come from another realm than this module's classes (a test's vm)
  return (err as { name?: unknown } | null)?.name === 'RangeError' ? new Error('truncated message envelope', { cause: err }) : err;
}

/** The u16-length-prefixed string at `at`, through `last` when the field tends to repeat. */
function stringAt(buf: Buffer, at: number, last?: LastString): string {
  const end = at + 2 + buf.readUInt16BE(at);
  if (end > buf.length) throw new Error('truncated message envelope');
  return last === undefined ? utf8(buf, at + 2, end) : (last.read(buf, at + 2, end) as string);
}

/** The offset after the u16-length-prefixed string at `at`. */
function afterString(buf: Buffer, at: number): number {
  return at + 2 + buf.readUInt16BE(at);
}

function decode(buf: Buffer, data: Uint8Array): Message {
  const flags = flagsOf(buf);
  let at = 2;
  const id = stringAt(buf, at);
  at = afterString(buf, at);
  const clientId = stringAt(buf, at, lastClientId);
  at = afterString(buf, at);
  const gatewayId = stringAt(buf, at, lastGatewayId);
  at = afterString(buf, at);
  const createdAt = buf.readDoubleBE(at);
  at += 8;
  let expiresAt: number | undefined;
  if (flags & FLAG_EXPIRES) {
    expiresAt = buf.readDoubleBE(at);
    at += 8;
  }
  let properties: MessageProperties | undefined;
  if (flags & FLAG_PROPERTIES) {
    const len = buf.readUInt32BE(at);
    properties = fromWire(JSON.parse(buf.toString('utf8', at + 4, at + 4 + len)) as WireProperties);
    at += 4 + len;
  }
  if (flags & FLAG_FRAMED) at = afterFixedHeader(buf, at);
  // a gateway reads the topic first (decodeMessageTopic), then the message: the topic is not compared again
  const topic = data === topicRead.of ? topicRead.topic : stringAt(buf, at, lastTopic);
  at = afterString(buf, at);
  if (at > buf.length) throw new Error('truncated message envelope');
  const message: Message = {
    id,
    topic,
    payload: buf.subarray(at),
    qos: (flags & 0b11) as QoS,
    retain: (flags & FLAG_RETAIN) !== 0,
    origin: originOf(clientId, gatewayId),
    createdAt,
  };
  if (expiresAt !== undefined) message.expiresAt = expiresAt;
  if (properties) message.properties = properties;
  return message;
}

/**
 * Only the topic of an encoded message, without decoding the rest: a gateway
 * reads it to decide whether this arrival of a message is the one it handles
 * (docs/adr/0002) before paying for a full decode.
 */
export function decodeMessageTopic(data: Uint8Array): string {
  try {
    const buf = bufferOf(data);
    const flags = flagsOf(buf);
    const frameAt = frameOffset(buf, flags);
    const topic = stringAt(buf, flags & FLAG_FRAMED ? afterFixedHeader(buf, frameAt) : frameAt, lastTopic);
    topicRead.of = data;
    topicRead.topic = topic;
    topicRead.frameAt = frameAt;
    return topic;
  } catch (err) {
    throw envelopeError(err);
  }
}

/** The envelope decodeMessageTopic read last, its topic and frameOffset (envelopes are never changed once made). */
const topicRead: { of: Uint8Array | undefined; topic: string; frameAt: number } = { of: undefined, topic: '', frameAt: 0 };

/** The MQTT 3.1.1 PUBLISH packet a framed envelope ends with (a view of `data`), or undefined when it has none. */
export function envelopeArrival(data: Uint8Array): ArrivalPacket | undefined {
  const buf = bufferOf(data);
  const flags = flagsOf(buf);
  if ((flags & FLAG_FRAMED) === 0) return undefined;
  try {
    // a gateway reads the topic first (decodeMessageTopic), which found where the packet starts
    return { bytes: buf.subarray(data === topicRead.of ? topicRead.frameAt : frameOffset(buf, flags)), framing: 4 };
  } catch (err) {
    throw envelopeError(err);
  }
}

function bufferOf(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function flagsOf(buf: Buffer): number {
  if (buf.length < 2 || buf[0] !== VERSION) throw new Error('unsupported message envelope');
  return buf[1] as number;
}

/** Where the fields after the origin and timestamps end: the fixed header of a framed envelope, else the topic. */
function frameOffset(buf: Buffer, flags: number): number {
  let at = 2;
  for (let field = 0; field < 3; field++) at = afterString(buf, at); // id, client id, gateway id
  at += 8;
  if (flags & FLAG_EXPIRES) at += 8;
  if (flags & FLAG_PROPERTIES) at += 4 + buf.readUInt32BE(at);
  return at;
}

/** The offset after a fixed header at `at`: its first byte, then the Remaining Length up to its last byte (no continuation bit). */
function afterFixedHeader(buf: Buffer, at: number): number {
  at++;
  while (at < buf.length && ((buf[at++] as number) & 0x80) !== 0);
  return at;
}

/**
 * The origin fields of the envelope (client id and gateway id, each a u16
 * length and its bytes) of the last origin encoded: a gateway gives all the
 * messages of one connection the same origin object (one burst, one run on
 * the bus), so they are written once and copied.
 */
let lastOrigin: MessageOrigin | undefined;
let lastOriginBytes = Buffer.alloc(0);

function originBytes(origin: MessageOrigin): Buffer {
  if (origin === lastOrigin) return lastOriginBytes;
  const clientIdLength = utf8Length(origin.clientId);
  const gatewayIdLength = utf8Length(origin.gatewayId);
  const out = Buffer.allocUnsafe(4 + clientIdLength + gatewayIdLength);
  writeString(out, writeString(out, 0, origin.clientId, clientIdLength), origin.gatewayId, gatewayIdLength);
  lastOrigin = origin;
  lastOriginBytes = out;
  return out;
}

/**
 * Up to this many UTF-16 units, a string is measured and written here when it
 * is ASCII (ids, most topics and client ids): a call into Buffer's UTF-8
 * functions costs more than the loop for strings this short.
 */
const SHORT_STRING = 64;

/** The UTF-8 byte length of `value`. */
function utf8Length(value: string): number {
  const n = value.length;
  if (n > SHORT_STRING) return Buffer.byteLength(value, 'utf8');
  for (let i = 0; i < n; i++) if (value.charCodeAt(i) > 0x7f) return Buffer.byteLength(value, 'utf8');
  return n;
}

/** A u16 length and the UTF-8 bytes of `value` (`length` of them, see utf8Length) at `at`; returns the offset after them. */
function writeString(out: Buffer, at: number, value: string, length: number): number {
  out.writeUInt16BE(length, at);
  at += 2;
  // as many bytes as units: ASCII, one byte each
  if (length === value.length && length <= SHORT_STRING) {
    for (let i = 0; i < length; i++) out[at + i] = value.charCodeAt(i);
    return at + length;
  }
  return at + out.write(value, at, length, 'utf8');
}

function utf8(bytes: Buffer, start: number, end: number): string {
  return bytes.toString('utf8', start, end);
}

/**
 * The fields that repeat from one envelope to the next (the parts of a run
 * share topic and origin, docs/adr/0007), decoded once while they do. The
 * topic is also read twice per envelope: decodeMessageTopic, then decodeMessage.
 */
const lastTopic = new LastString(utf8);
const lastClientId = new LastString(utf8);
const lastGatewayId = new LastString(utf8);

/** The origin of the last envelope decoded, given again to the next of the same origin (never changed once made). */
let lastOriginRead: MessageOrigin = { clientId: '', gatewayId: '' };

function originOf(clientId: string, gatewayId: string): MessageOrigin {
  if (clientId !== lastOriginRead.clientId || gatewayId !== lastOriginRead.gatewayId) lastOriginRead = { clientId, gatewayId };
  return lastOriginRead;
}

function hasAny(p: MessageProperties): boolean {
  return Object.values(p).some((v) => v !== undefined);
}

function toWire(p: MessageProperties): WireProperties {
  const { correlationData, ...rest } = p;
  return correlationData ? { ...rest, correlationData: correlationData.toString('base64') } : rest;
}

function fromWire(p: WireProperties): MessageProperties {
  const { correlationData, ...rest } = p;
  return correlationData !== undefined ? { ...rest, correlationData: Buffer.from(correlationData, 'base64') } : rest;
}
