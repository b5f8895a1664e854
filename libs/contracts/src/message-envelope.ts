import type { BusMessage, LazyPayload } from '@mqp/bus';
import type { Message, MessageOrigin, MessageProperties, QoS } from '@mqp/model';
import { LastString } from '@mqp/protocol';

/**
 * The bytes of an application message on the bus. Binary rather than JSON
 * because it is on the hot path and the payload is arbitrary bytes:
 *
 *   u8 version (1) | u8 flags | u16 len + id | u16 len + topic
 *   | u16 len + origin client id | u16 len + origin gateway id
 *   | f64 createdAt | [f64 expiresAt] | [u32 len + properties JSON] | payload…
 *
 * flags: bits 0-1 QoS, bit 2 retain, bit 3 has expiresAt, bit 4 has properties.
 * Trace context does not live here: it travels in bus headers (`traceparent`).
 */
const VERSION = 1;
const FLAG_RETAIN = 0b100;
const FLAG_EXPIRES = 0b1000;
const FLAG_PROPERTIES = 0b10000;

interface WireProperties extends Omit<MessageProperties, 'correlationData'> {
  correlationData?: string; // base64
}

export function encodeMessage(message: Message): Buffer {
  // strings are measured, then written straight into the one buffer (no intermediate Buffer per field: hot path)
  const { id, topic } = message;
  const idLength = Buffer.byteLength(id, 'utf8');
  const topicLength = Buffer.byteLength(topic, 'utf8');
  const origin = originBytes(message.origin);
  const properties = message.properties && hasAny(message.properties) ? Buffer.from(JSON.stringify(toWire(message.properties)), 'utf8') : undefined;
  let flags = message.qos & 0b11;
  if (message.retain) flags |= FLAG_RETAIN;
  if (message.expiresAt !== undefined) flags |= FLAG_EXPIRES;
  if (properties) flags |= FLAG_PROPERTIES;

  const size =
    2 + 2 + idLength + 2 + topicLength + origin.length + 8 +
    (message.expiresAt !== undefined ? 8 : 0) + (properties ? 4 + properties.length : 0) + message.payload.length;
  const out = Buffer.allocUnsafe(size);
  out[0] = VERSION;
  out[1] = flags;
  let at = writeString(out, 2, id, idLength);
  at = writeString(out, at, topic, topicLength);
  out.set(origin, at);
  at += origin.length;
  at = out.writeDoubleBE(message.createdAt, at);
  if (message.expiresAt !== undefined) at = out.writeDoubleBE(message.expiresAt, at);
  if (properties) {
    at = out.writeUInt32BE(properties.length, at);
    at += properties.copy(out, at);
  }
  out.set(message.payload, at);
  return out;
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
  const clientIdLength = Buffer.byteLength(origin.clientId, 'utf8');
  const gatewayIdLength = Buffer.byteLength(origin.gatewayId, 'utf8');
  const out = Buffer.allocUnsafe(4 + clientIdLength + gatewayIdLength);
  writeString(out, writeString(out, 0, origin.clientId, clientIdLength), origin.gatewayId, gatewayIdLength);
  lastOrigin = origin;
  lastOriginBytes = out;
  return out;
}

/** A u16 length and the UTF-8 bytes of `value` (`length` of them) at `at`; returns the offset after them. */
function writeString(out: Buffer, at: number, value: string, length: number): number {
  out.writeUInt16BE(length, at);
  return at + 2 + out.write(value, at + 2, length, 'utf8');
}

export function decodeMessage(data: Uint8Array): Message {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buf.length < 2 || buf.readUInt8(0) !== VERSION) throw new Error('unsupported message envelope');
  const flags = buf.readUInt8(1);
  let at = 2;
  const readString = (last?: LastString): string => {
    const len = buf.readUInt16BE(at);
    const s = last === undefined ? utf8(buf, at + 2, at + 2 + len) : (last.read(buf, at + 2, at + 2 + len) as string);
    at += 2 + len;
    return s;
  };
  const id = readString();
  const topic = readString(lastTopic);
  const clientId = readString(lastClientId);
  const gatewayId = readString(lastGatewayId);
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
  if (at > buf.length) throw new Error('truncated message envelope');
  const message: Message = {
    id,
    topic,
    payload: buf.subarray(at),
    qos: (flags & 0b11) as QoS,
    retain: (flags & FLAG_RETAIN) !== 0,
    origin: { clientId, gatewayId },
    createdAt,
  };
  if (expiresAt !== undefined) message.expiresAt = expiresAt;
  if (properties) message.properties = properties;
  return message;
}

/**
 * The PUBLISH packet a message arrived in, when a gateway in the same process
 * may forward it unchanged: QoS 0, no RETAIN, no properties (so no expiry),
 * which is also what a subscriber's QoS 0 copy without RETAIN, subscription
 * identifiers or topic alias would be, byte for byte.
 */
export interface ArrivalPacket {
  readonly bytes: Buffer;
  /** Its framing: 4 for MQTT 3.1 and 3.1.1 (the same bytes), 5 for 5.0 (an empty Properties block). */
  readonly framing: 4 | 5;
}

/**
 * A message as an in-process bus payload (see lazyMessage): the message
 * itself, encoded only if a subscriber reads the bytes, and the packet it
 * arrived in when that may be forwarded as it is.
 */
export class LocalMessage implements LazyPayload<Message> {
  constructor(
    readonly value: Message,
    readonly arrival: ArrivalPacket | undefined,
  ) {}

  encode(message: Message): Uint8Array {
    return encodeMessage(message);
  }
}

/**
 * A message as a bus payload, encoded only if a subscriber reads its bytes:
 * in standalone mode the in-process bus hands subscribers the message itself
 * (`messageFromBus`), and most messages are never encoded at all.
 */
export function lazyMessage(message: Message, arrival?: ArrivalPacket): LocalMessage {
  return new LocalMessage(message, arrival);
}

/**
 * The message a bus delivered: the publisher's own object when it came
 * through the in-process bus as a lazyMessage (messages are never mutated
 * once built, so one object is shared), else decoded from its bytes.
 */
export function messageFromBus(busMessage: BusMessage): Message {
  const local = busMessage.local;
  return local instanceof LocalMessage ? local.value : decodeMessage(busMessage.data);
}

/** Only the topic of the message a bus delivered (see decodeMessageTopic). */
export function topicFromBus(busMessage: BusMessage): string {
  const local = busMessage.local;
  return local instanceof LocalMessage ? local.value.topic : decodeMessageTopic(busMessage.data);
}

/** The packet a message delivered by the in-process bus arrived in, when it may be forwarded unchanged. */
export function arrivalFromBus(busMessage: BusMessage): ArrivalPacket | undefined {
  const local = busMessage.local;
  return local instanceof LocalMessage ? local.arrival : undefined;
}

/**
 * Only the topic of an encoded message, without decoding the rest: a gateway
 * reads it to decide whether this arrival of a message is the one it handles
 * (docs/adr/0002) before paying for a full decode.
 */
export function decodeMessageTopic(data: Uint8Array): string {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buf.length < 2 || buf.readUInt8(0) !== VERSION) throw new Error('unsupported message envelope');
  const topicAt = 4 + buf.readUInt16BE(2); // after version, flags and the length-prefixed id
  const topicLength = buf.readUInt16BE(topicAt);
  return lastTopic.read(buf, topicAt + 2, topicAt + 2 + topicLength) as string;
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
