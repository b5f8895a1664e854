import { writeToStream, type Packet } from 'mqtt-packet';

/**
 * Encoders for the packets a broker sends most: PUBLISH without properties
 * and the four acknowledgements. They write the same bytes as mqtt-packet's
 * `generate` for those packets (packet-writer.spec checks that), without its
 * per-call stream object and debug calls, about 7 % of the gateway's CPU at
 * a fixed message rate (docs/benchmarks.md), and CONNACK without properties
 * (every v3.1.1 one: `generate` allocated about 1.4 KB for each of a connect
 * storm's, issue 6). Anything else (properties, reason codes, SUBACK) is
 * left to `generate`.
 */

// mqtt-packet fills a cache of 65,536 two-byte buffers (6 MB of heap, 65,536
// objects for every full GC to trace) the first time it encodes anything. The
// packets left to it are rare; allocating those few numbers costs nothing.
writeToStream.cacheNumbers = false;

/** PUBLISH fixed header: type 3, then DUP (bit 3), QoS (bits 2-1) and RETAIN (bit 0) [MQTT-2.2.2]. */
const PUBLISH_TYPE = 0x30;

/** Bytes of `n` as a Variable Byte Integer [MQTT-1.5.5]. */
function varIntLength(n: number): number {
  return n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4;
}

function writeVarInt(buf: Buffer, at: number, n: number): number {
  do {
    let digit = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) digit |= 0x80;
    buf[at++] = digit;
  } while (n > 0);
  return at;
}

/** The largest Remaining Length a fixed header can carry (four bytes of Variable Byte Integer) [MQTT-1.5.5]. */
export const MAX_REMAINING_LENGTH = 268_435_455;

/** Bytes of the fixed header of a packet whose Remaining Length is `remaining`. */
export function fixedHeaderLength(remaining: number): number {
  return 1 + varIntLength(remaining);
}

/** Writes the fixed header of a QoS 0 PUBLISH without DUP or RETAIN at `at`; returns the offset after it. */
export function writeQos0PublishHeader(buf: Buffer, at: number, remaining: number): number {
  buf[at] = PUBLISH_TYPE;
  return writeVarInt(buf, at + 1, remaining);
}

export interface PublishHeader {
  topic: string;
  qos: 0 | 1 | 2;
  retain: boolean;
  dup?: boolean;
  /** Written for QoS 1 and 2. */
  packetId?: number;
  /** 5 adds the (empty) property length [MQTT-3.3.2.3]; 3 and 4 have none. */
  protocolVersion: number;
}

/** A PUBLISH with no properties; the packet id, for QoS > 0, sits right after the topic (see `publishPacketIdOffset`). */
export function encodePublish(header: PublishHeader, payload: Uint8Array): Buffer {
  const topicBytes = Buffer.byteLength(header.topic, 'utf8');
  const idBytes = header.qos > 0 ? 2 : 0;
  const propertyBytes = header.protocolVersion === 5 ? 1 : 0;
  const remaining = 2 + topicBytes + idBytes + propertyBytes + payload.length;
  const buf = Buffer.allocUnsafe(1 + varIntLength(remaining) + remaining);
  buf[0] = PUBLISH_TYPE | (header.dup ? 0x08 : 0) | (header.qos << 1) | (header.retain ? 1 : 0);
  let at = writeVarInt(buf, 1, remaining);
  buf.writeUInt16BE(topicBytes, at);
  at += 2;
  at += buf.write(header.topic, at, topicBytes, 'utf8');
  if (idBytes) {
    buf.writeUInt16BE(header.packetId ?? 0, at);
    at += 2;
  }
  if (propertyBytes) buf[at++] = 0;
  buf.set(payload, at);
  return buf;
}

/** First byte of PUBACK, PUBREC, PUBREL (flags 0010 [MQTT-3.6.1-1]) and PUBCOMP. */
const ACK_FIRST_BYTE = { puback: 0x40, pubrec: 0x50, pubrel: 0x62, pubcomp: 0x70 } as const;

export type AckCommand = keyof typeof ACK_FIRST_BYTE;

/** An acknowledgement without reason code or properties (v5: the Success form that omits both [MQTT-3.4.2.1]). */
export function encodeAck(cmd: AckCommand, packetId: number): Buffer {
  const buf = Buffer.allocUnsafe(4);
  buf[0] = ACK_FIRST_BYTE[cmd];
  buf[1] = 2;
  buf.writeUInt16BE(packetId, 2);
  return buf;
}

const PINGRESP = Buffer.from([0xd0, 0x00]);

/** CONNACK type 2, flags 0 [MQTT-2.2.2-1]. */
const CONNACK_TYPE = 0x20;

/**
 * The v3.1.1 CONNACK accepting a connection, without and with Session
 * Present: one buffer each, shared by every connection as PINGRESP is (a
 * socket never changes the bytes it is given to write).
 */
const CONNACK_ACCEPTED = [Buffer.from([CONNACK_TYPE, 2, 0, 0]), Buffer.from([CONNACK_TYPE, 2, 1, 0])] as const;

/**
 * A CONNACK without properties: v3.1.1 (and 3.1) carries Session Present and
 * the Connect Return Code (MQTT 3.1.1 §3.2.2); v5 the Reason Code and an
 * empty Properties block (MQTT 5.0 §3.2.2). Undefined for a code that is not
 * one byte, which `generate` is left to handle as it does.
 */
export function encodeConnack(sessionPresent: boolean, code: number, protocolVersion: number): Buffer | undefined {
  if (!Number.isInteger(code) || code < 0 || code > 0xff) return undefined;
  // bits 7-1 of the Connect Acknowledge Flags are reserved, 0 [MQTT-3.2.2-1]
  const flags = sessionPresent ? 1 : 0;
  if (protocolVersion === 5) return Buffer.from([CONNACK_TYPE, 3, flags, code, 0]);
  if (code === 0) return CONNACK_ACCEPTED[flags];
  return Buffer.from([CONNACK_TYPE, 2, flags, code]);
}

/**
 * The bytes of `packet` when it is one of the simple kinds above, else
 * undefined (the caller uses `generate`). A v5 acknowledgement qualifies only
 * with reason code 0 and no properties, a v5 CONNACK only without properties.
 */
export function encodeSimplePacket(packet: Packet, protocolVersion: number): Buffer | undefined {
  switch (packet.cmd) {
    case 'puback':
    case 'pubrec':
    case 'pubrel':
    case 'pubcomp':
      // a PUBREL with DUP set is malformed [MQTT-3.6.1-1]: left to generate, which keeps the flag
      if (typeof packet.messageId !== 'number' || (packet as { dup?: boolean }).dup === true) return undefined;
      if (protocolVersion === 5 && (packet.reasonCode !== 0 || packet.properties !== undefined)) return undefined;
      return encodeAck(packet.cmd, packet.messageId);
    case 'pingresp':
      return PINGRESP;
    case 'connack':
      // mqtt-packet writes returnCode before v5 and reasonCode in v5, whichever else the object has
      if (protocolVersion === 5 && packet.properties !== undefined) return undefined;
      return encodeConnack(Boolean(packet.sessionPresent), (protocolVersion === 5 ? packet.reasonCode : packet.returnCode) ?? -1, protocolVersion);
    default:
      return undefined;
  }
}
