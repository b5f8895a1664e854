import type { IPubackPacket, IPubcompPacket, IPubrecPacket, IPubrelPacket } from 'mqtt-packet';

export type AckPacket = IPubackPacket | IPubrecPacket | IPubrelPacket | IPubcompPacket;

const COMMANDS = [undefined, undefined, undefined, undefined, 'puback', 'pubrec', 'pubrel', 'pubcomp'] as const;

/**
 * Decodes the acknowledgements of a QoS 1 and QoS 2 flow in their common
 * shape, a Packet Identifier and nothing else (MQTT 3.1.1; MQTT 5.0 with
 * Reason Code Success left out, §3.4.2.1), without mqtt-packet: at QoS 1
 * every delivery comes back as one, and mqtt-packet's parser (a BufferList
 * copy and a debug call per field) was a sixth of the broker's CPU in p2p
 * QoS 1 (issue 6). The packet is the object mqtt-packet makes for the same
 * bytes (ack-decoder.spec compares them).
 *
 * Anything else gives undefined and goes to the general parser, which
 * reports faults with their reasons: a zero Packet Identifier
 * [MQTT-2.3.1-1], a Reason Code or properties. `bytes` is one whole packet
 * whose fixed header PacketReader has already checked (so PUBREL's flags are
 * 0010 [MQTT-3.6.1-1] and the others' 0000).
 */
export function decodePlainAck(bytes: Buffer, protocolVersion: number): AckPacket | undefined {
  if (bytes.length !== 4 || bytes[1] !== 2) return undefined;
  const first = bytes[0] as number;
  const cmd = COMMANDS[first >> 4];
  if (cmd === undefined) return undefined;
  const messageId = ((bytes[2] as number) << 8) | (bytes[3] as number);
  if (messageId === 0) return undefined;
  const packet = {
    cmd,
    retain: (first & 0x01) !== 0,
    qos: (first >> 1) & 0x03,
    dup: (first & 0x08) !== 0,
    length: 2,
    topic: null,
    payload: null,
    messageId,
  } as unknown as AckPacket & { reasonCode?: number };
  // mqtt-packet reads the Reason Code an MQTT 5 acknowledgement left out as Success
  if (protocolVersion === 5) packet.reasonCode = 0;
  return packet;
}
