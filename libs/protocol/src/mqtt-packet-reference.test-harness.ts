import { parser as createParser, type Packet } from 'mqtt-packet';

/**
 * What mqtt-packet's own parser makes of `bytes` (one whole packet): the
 * reference the hand-written decoders (publish-decoder, connect-decoder) are
 * compared with. A parse error is thrown; anything but exactly one packet
 * fails the test.
 */
export function parsedByMqttPacket(bytes: Buffer, protocolVersion = 4): Packet {
  const parser = createParser({ protocolVersion });
  const packets: Packet[] = [];
  parser.on('packet', (p: Packet) => packets.push(p));
  parser.on('error', (err: Error) => {
    throw err;
  });
  parser.parse(bytes);
  expect(packets).toHaveLength(1);
  return packets[0] as Packet;
}
