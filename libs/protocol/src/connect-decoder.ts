import type { IConnectPacket } from 'mqtt-packet';
import { utf8StringProblem } from './utf8-string';

/**
 * Decodes the CONNECT packets devices open their connections with (MQTT 3.1,
 * 3.1.1, and 5.0 without properties) without mqtt-packet: its parser copies
 * the packet into a BufferList, makes a Buffer view per field and formats a
 * debug line per field, about 4 KB of garbage per connect, which a storm of
 * connects pays in GC time and in RSS (issue 6). The packet is the object
 * mqtt-packet makes for the same bytes (connect-decoder.spec compares them);
 * the will payload and the password are views of `bytes`, as there.
 *
 * Anything else gives undefined and goes to the general parser, which keeps
 * deciding what is accepted and reports faults with their reasons:
 *   - a protocol name and level other than MQIsdp 3, MQTT 4 or MQTT 5, and
 *     the bridge bit (level + 0x80), so the unsupported ones keep their
 *     CONNACK 0x01 / 0x84 [MQTT-3.1.2-1] [MQTT-3.1.2-2];
 *   - the reserved Connect Flag set [MQTT-3.1.2-3];
 *   - Will QoS or Will Retain without the Will Flag [MQTT-3.1.2-11]
 *     [MQTT-3.1.2-13] [MQTT-3.1.2-15], and Will QoS 3 [MQTT-3.1.2-14];
 *   - before MQTT 5, a Password Flag without the User Name Flag
 *     [MQTT-3.1.2-22] (MQTT 5 allows it: decoded here);
 *   - MQTT 5 CONNECT or Will Properties (only an empty block is decoded);
 *   - a client id, will topic or user name that is not valid UTF-8
 *     [MQTT-1.5.4-1] [MQTT-1.5.4-2] (v3.1.1 [MQTT-1.5.3-1] [MQTT-1.5.3-2]);
 *   - a field that runs past the packet, and bytes after the last field.
 * So the broker accepts and refuses exactly the CONNECT packets it did
 * before, for the same reasons. `bytes` is one whole packet, as
 * PacketReader frames it.
 */
export function decodePlainConnect(bytes: Buffer): IConnectPacket | undefined {
  const end = bytes.length;
  // CONNECT with its reserved fixed-header flags 0 [MQTT-2.2.2-2]
  if (bytes[0] !== 0x10) return undefined;
  // the Remaining Length: at most four bytes [MQTT-1.5.5], and it must be the rest of `bytes`
  let at = 1;
  let length = 0;
  let multiplier = 1;
  for (;;) {
    if (at >= end || at > 4) return undefined;
    const byte = bytes[at++] as number;
    length += (byte & 0x7f) * multiplier;
    multiplier *= 128;
    if ((byte & 0x80) === 0) break;
  }
  if (length !== end - at) return undefined;

  // Protocol Name and Level, compared as bytes; the name is then a literal, so nothing is allocated for it
  if (at + 2 > end) return undefined;
  const nameLength = bytes.readUInt16BE(at);
  at += 2;
  let protocolId: 'MQTT' | 'MQIsdp';
  let protocolVersion: 3 | 4 | 5;
  if (nameLength === 4 && at + 5 <= end && bytes[at] === 0x4d && bytes[at + 1] === 0x51 && bytes[at + 2] === 0x54 && bytes[at + 3] === 0x54) {
    const level = bytes[at + 4];
    if (level !== 4 && level !== 5) return undefined;
    protocolId = 'MQTT';
    protocolVersion = level;
  } else if (
    nameLength === 6 &&
    at + 7 <= end &&
    bytes[at] === 0x4d &&
    bytes[at + 1] === 0x51 &&
    bytes[at + 2] === 0x49 &&
    bytes[at + 3] === 0x73 &&
    bytes[at + 4] === 0x64 &&
    bytes[at + 5] === 0x70 &&
    bytes[at + 6] === 3
  ) {
    protocolId = 'MQIsdp';
    protocolVersion = 3;
  } else {
    return undefined;
  }
  at += nameLength + 1;

  // Connect Flags and Keep Alive
  if (at + 3 > end) return undefined;
  const flags = bytes[at] as number;
  if ((flags & 0x01) !== 0) return undefined;
  const hasWill = (flags & 0x04) !== 0;
  const willQos = (flags >> 3) & 0x03;
  const willRetain = (flags & 0x20) !== 0;
  if (hasWill ? willQos === 3 : willQos !== 0 || willRetain) return undefined;
  const hasUsername = (flags & 0x80) !== 0;
  const hasPassword = (flags & 0x40) !== 0;
  if (hasPassword && !hasUsername && protocolVersion !== 5) return undefined;
  const keepalive = bytes.readUInt16BE(at + 1);
  at += 3;

  // MQTT 5: a Properties block of length 0 is one zero byte
  if (protocolVersion === 5) {
    if (at >= end || bytes[at] !== 0) return undefined;
    at++;
  }

  // the payload fields in order, each a two-byte length and its bytes: [start, end) of each is kept
  const clientIdEnd = stringEnd(bytes, at);
  if (clientIdEnd === undefined) return undefined;
  const clientIdStart = at + 2;
  at = clientIdEnd;

  let willTopicStart = 0;
  let willTopicEnd = 0;
  let willPayloadEnd = 0;
  if (hasWill) {
    if (protocolVersion === 5) {
      if (at >= end || bytes[at] !== 0) return undefined;
      at++;
    }
    const topicEnd = stringEnd(bytes, at);
    if (topicEnd === undefined) return undefined;
    willTopicStart = at + 2;
    willTopicEnd = topicEnd;
    const payloadEnd = binaryEnd(bytes, topicEnd);
    if (payloadEnd === undefined) return undefined;
    willPayloadEnd = payloadEnd;
    at = payloadEnd;
  }

  const usernameStart = at + 2;
  if (hasUsername) {
    const usernameEnd = stringEnd(bytes, at);
    if (usernameEnd === undefined) return undefined;
    at = usernameEnd;
  }
  const usernameEnd = at;

  const passwordStart = at + 2;
  if (hasPassword) {
    const passwordEnd = binaryEnd(bytes, at);
    if (passwordEnd === undefined) return undefined;
    at = passwordEnd;
  }

  // the general parser refuses bytes after the last field (strict-parser.ts)
  if (at !== end) return undefined;

  // the fields of mqtt-packet's Packet, with the topic and payload its constructor leaves null on a CONNECT
  const packet: IConnectPacket = {
    cmd: 'connect',
    retain: false,
    qos: 0,
    dup: false,
    length,
    topic: null,
    payload: null,
    protocolId,
    protocolVersion,
    clean: (flags & 0x02) !== 0,
    keepalive,
    clientId: bytes.toString('utf8', clientIdStart, clientIdEnd),
  } as IConnectPacket;
  if (hasWill) {
    packet.will = {
      retain: willRetain,
      qos: willQos as 0 | 1 | 2,
      topic: bytes.toString('utf8', willTopicStart, willTopicEnd),
      payload: bytes.subarray(willTopicEnd + 2, willPayloadEnd),
    };
  }
  if (hasUsername) packet.username = bytes.toString('utf8', usernameStart, usernameEnd);
  if (hasPassword) packet.password = bytes.subarray(passwordStart, at);
  return packet;
}

/** Where the Binary Data (two-byte length, then the bytes) at `at` ends, or undefined if it runs past the packet. */
function binaryEnd(bytes: Buffer, at: number): number | undefined {
  if (at + 2 > bytes.length) return undefined;
  const e = at + 2 + bytes.readUInt16BE(at);
  return e > bytes.length ? undefined : e;
}

/** Like binaryEnd, for a UTF-8 Encoded String: also undefined if the string is not valid MQTT UTF-8. */
function stringEnd(bytes: Buffer, at: number): number | undefined {
  const e = binaryEnd(bytes, at);
  return e === undefined || utf8StringProblem(bytes, at + 2, e) !== undefined ? undefined : e;
}
