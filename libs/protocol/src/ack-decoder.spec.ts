import { decodePlainAck } from './ack-decoder';
import { parsedByMqttPacket } from './mqtt-packet-reference.test-harness';

/** The fixed header's first byte of each acknowledgement: PUBREL's flags are 0010 [MQTT-3.6.1-1]. */
const FIRST_BYTES = { puback: 0x40, pubrec: 0x50, pubrel: 0x62, pubcomp: 0x70 };

describe('decodePlainAck', () => {
  it('decodes PUBACK, PUBREC, PUBREL and PUBCOMP with only a Packet Identifier as mqtt-packet does [MQTT-3.4.2] [MQTT-3.5.2] [MQTT-3.6.2] [MQTT-3.7.2]', () => {
    for (const protocolVersion of [3, 4, 5])
      for (const [cmd, first] of Object.entries(FIRST_BYTES))
        for (const messageId of [1, 255, 256, 4_660, 65_535]) {
          const bytes = Buffer.from([first, 2, messageId >> 8, messageId & 0xff]);
          const decoded = decodePlainAck(bytes, protocolVersion);
          expect(decoded).toEqual(parsedByMqttPacket(bytes, protocolVersion));
          expect(decoded).toMatchObject({ cmd, messageId });
        }
  });

  it('leaves a zero Packet Identifier to the general parser, which refuses it [MQTT-2.3.1-1]', () => {
    for (const first of Object.values(FIRST_BYTES)) expect(decodePlainAck(Buffer.from([first, 2, 0, 0]), 4)).toBeUndefined();
  });

  it('leaves an MQTT 5 Reason Code or properties to the general parser (MQTT 5.0 §3.4.2.1)', () => {
    expect(decodePlainAck(Buffer.from([0x40, 3, 0, 1, 0x10]), 5)).toBeUndefined();
    expect(decodePlainAck(Buffer.from([0x40, 4, 0, 1, 0x10, 0]), 5)).toBeUndefined();
  });

  it('decodes only acknowledgements', () => {
    // a PUBLISH, SUBACK and UNSUBACK of four bytes are not acknowledgements of a QoS flow
    for (const first of [0x30, 0x90, 0xb0]) expect(decodePlainAck(Buffer.from([first, 2, 0, 1]), 4)).toBeUndefined();
  });
});
