import type { IPublishPacket } from 'mqtt-packet';
import { LastString } from './last-string';
import { utf8StringProblem } from './utf8-string';

/** A PUBLISH without properties as decodePlainPublish reads it: mqtt-packet's packet, and the bytes it came in. */
export interface PlainPublishPacket extends IPublishPacket {
  /**
   * The whole packet as the client sent it (the payload is a view of it): a
   * subscriber's QoS 0 copy without RETAIN is these very bytes, as the
   * Remaining Length was minimal [MQTT-1.5.5-1] and the flags checked.
   */
  frame: Buffer;
}

/**
 * Decodes the PUBLISH packets devices send all day (MQTT 3.1, 3.1.1, and 5.0
 * without properties) without mqtt-packet: its parser copies the packet into
 * a BufferList and formats a debug line per field, about a seventh of the
 * broker's JavaScript time per message at a fixed rate (issue 6). The packet
 * is the object mqtt-packet makes for the same bytes (publish-decoder.spec
 * compares them); the payload is a view of `bytes`, as there.
 *
 * Anything else gives undefined and goes to the general parser, which reports
 * faults with their reasons: MQTT 5 properties, a topic that is not valid
 * UTF-8 [MQTT-1.5.4-1] [MQTT-1.5.4-2], a missing or zero Packet Identifier
 * [MQTT-2.3.1-1], a packet too short for its fields. `bytes` is one whole
 * packet whose fixed header PacketReader has already checked.
 */
export function decodePlainPublish(bytes: Buffer, protocolVersion: number, lastTopic?: LastString): PlainPublishPacket | undefined {
  const first = bytes[0] as number;
  // the Remaining Length ends at the first byte without the continuation bit
  let at = 1;
  while (((bytes[at++] as number) & 0x80) !== 0);
  const length = bytes.length - at;
  if (at + 2 > bytes.length) return undefined;
  const topicStart = at + 2;
  const topicEnd = topicStart + bytes.readUInt16BE(at);
  if (topicEnd > bytes.length) return undefined;
  const topic = lastTopic === undefined ? decodeTopic(bytes, topicStart, topicEnd) : lastTopic.read(bytes, topicStart, topicEnd);
  if (topic === undefined) return undefined;
  at = topicEnd;
  const qos = (first >> 1) & 0x03;
  let messageId = 0;
  if (qos > 0) {
    if (at + 2 > bytes.length) return undefined;
    messageId = bytes.readUInt16BE(at);
    if (messageId === 0) return undefined;
    at += 2;
  }
  if (protocolVersion === 5) {
    // a Properties block of length 0 is one zero byte
    if (at >= bytes.length || bytes[at] !== 0) return undefined;
    at++;
  }
  const packet: PlainPublishPacket = {
    cmd: 'publish',
    retain: (first & 0x01) !== 0,
    qos: qos as IPublishPacket['qos'],
    dup: (first & 0x08) !== 0,
    length,
    topic,
    payload: bytes.subarray(at),
    frame: bytes,
  };
  if (qos > 0) packet.messageId = messageId;
  return packet;
}

/** The topic in `bytes[start, end)`, or undefined when it is not a valid MQTT UTF-8 string (the general parser says why). */
function decodeTopic(bytes: Buffer, start: number, end: number): string | undefined {
  return utf8StringProblem(bytes, start, end) === undefined ? bytes.toString('utf8', start, end) : undefined;
}

/**
 * The topic of a connection's last PUBLISH, kept by its reader: a device
 * publishing to the same topic again gets the same string without a UTF-8
 * check or a decode (see LastString).
 */
export function lastTopicOfConnection(): LastString {
  return new LastString(decodeTopic);
}
