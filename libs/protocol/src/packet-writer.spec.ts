import { generate, type Packet } from 'mqtt-packet';
import { encodeAck, encodePublish, encodeSimplePacket } from './packet-writer';

describe('packet writer', () => {
  const payloads = [Buffer.alloc(0), Buffer.from('hello'), Buffer.alloc(200, 7), Buffer.alloc(20_000, 1)];
  const topics = ['a', 'sensors/öl/temp', 'x'.repeat(300)];

  it('writes every PUBLISH without properties as mqtt-packet does [MQTT-3.3.1] [MQTT-3.3.2]', () => {
    for (const protocolVersion of [3, 4, 5])
      for (const qos of [0, 1, 2] as const)
        for (const retain of [false, true])
          for (const topic of topics)
            for (const payload of payloads) {
              const packetId = qos > 0 ? 513 : undefined;
              const expected = generate({ cmd: 'publish', topic, payload, qos, retain, dup: false, messageId: packetId }, { protocolVersion });
              expect(encodePublish({ topic, qos, retain, packetId, protocolVersion }, payload).equals(expected)).toBe(true);
            }
  });

  it('sets DUP on a redelivered PUBLISH [MQTT-3.3.1-1]', () => {
    const bytes = encodePublish({ topic: 't', qos: 1, retain: false, dup: true, packetId: 9, protocolVersion: 4 }, Buffer.from('p'));
    expect(bytes.equals(generate({ cmd: 'publish', topic: 't', payload: Buffer.from('p'), qos: 1, retain: false, dup: true, messageId: 9 }))).toBe(true);
  });

  it('writes the acknowledgements as mqtt-packet does, PUBREL with flags 0010 [MQTT-3.6.1-1]', () => {
    for (const cmd of ['puback', 'pubrec', 'pubrel', 'pubcomp'] as const)
      for (const protocolVersion of [4, 5])
        for (const id of [1, 256, 65_535]) {
          const packet = { cmd, messageId: id, reasonCode: 0 } as Packet;
          expect(encodeAck(cmd, id).equals(generate(packet, { protocolVersion }))).toBe(true);
          expect(encodeSimplePacket(packet, protocolVersion)?.equals(generate(packet, { protocolVersion }))).toBe(true);
        }
    expect(encodeSimplePacket({ cmd: 'pingresp' }, 4)?.equals(generate({ cmd: 'pingresp' }))).toBe(true);
  });

  it('leaves v5 acknowledgements with a reason code or properties, and every other packet, to generate', () => {
    expect(encodeSimplePacket({ cmd: 'puback', messageId: 1, reasonCode: 0x87 }, 5)).toBeUndefined();
    expect(encodeSimplePacket({ cmd: 'puback', messageId: 1, reasonCode: 0, properties: { reasonString: 'x' } }, 5)).toBeUndefined();
    expect(encodeSimplePacket({ cmd: 'puback', messageId: 1 }, 5)).toBeUndefined();
    expect(encodeSimplePacket({ cmd: 'pubrel', messageId: 1, dup: true } as Packet, 4)).toBeUndefined();
    expect(encodeSimplePacket({ cmd: 'connack', returnCode: 0, sessionPresent: false }, 4)).toBeUndefined();
    // v3.1.1 has no reason codes: the plain form whatever the code
    expect(encodeSimplePacket({ cmd: 'puback', messageId: 1, reasonCode: 0x87 }, 4)).toEqual(Buffer.from([0x40, 2, 0, 1]));
  });
});
