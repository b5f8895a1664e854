import { generate, parser as createParser, type IConnackPacket, type Packet } from 'mqtt-packet';
import { encodeAck, encodeConnack, encodePublish, encodeSimplePacket } from './packet-writer';

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
    // v3.1.1 has no reason codes: the plain form whatever the code
    expect(encodeSimplePacket({ cmd: 'puback', messageId: 1, reasonCode: 0x87 }, 4)).toEqual(Buffer.from([0x40, 2, 0, 1]));
  });

  const hex = (h: string): Buffer => Buffer.from(h.replace(/\s+/g, ''), 'hex');

  /** CONNACK as the gateway sends it (returnCode and reasonCode both set; the version picks one), and its bytes. */
  const CONNACKS: { name: string; version: 3 | 4 | 5; packet: IConnackPacket; bytes: Buffer }[] = [
    { name: 'v3.1.1 accepted, no session [MQTT-3.2.2-2]', version: 4, packet: { cmd: 'connack', sessionPresent: false, returnCode: 0, reasonCode: 0 }, bytes: hex('20 02 00 00') },
    { name: 'v3.1.1 accepted, session present [MQTT-3.2.2-3]', version: 4, packet: { cmd: 'connack', sessionPresent: true, returnCode: 0, reasonCode: 0 }, bytes: hex('20 02 01 00') },
    { name: 'v3.1.1 refused, identifier rejected', version: 4, packet: { cmd: 'connack', sessionPresent: false, returnCode: 2, reasonCode: 2 }, bytes: hex('20 02 00 02') },
    { name: 'v3.1 refused, not authorized', version: 3, packet: { cmd: 'connack', sessionPresent: false, returnCode: 5, reasonCode: 5 }, bytes: hex('20 02 00 05') },
    { name: 'v5 refused, malformed, no properties', version: 5, packet: { cmd: 'connack', sessionPresent: false, reasonCode: 0x81 }, bytes: hex('20 03 00 81 00') },
    { name: 'v5 accepted, session present, no properties', version: 5, packet: { cmd: 'connack', sessionPresent: true, returnCode: 0, reasonCode: 0 }, bytes: hex('20 03 01 00 00') },
  ];

  it.each(CONNACKS)('writes the CONNACK $name as mqtt-packet does', ({ version, packet, bytes }) => {
    expect(encodeSimplePacket(packet, version)?.toString('hex')).toBe(bytes.toString('hex'));
    expect(generate(packet, { protocolVersion: version }).toString('hex')).toBe(bytes.toString('hex'));
  });

  it.each(CONNACKS)('writes the CONNACK $name so that mqtt-packet reads it back', ({ version, packet, bytes }) => {
    const parser = createParser({ protocolVersion: version });
    const read: Packet[] = [];
    parser.on('packet', (p: Packet) => read.push(p));
    parser.parse(bytes);
    const code = version === 5 ? { reasonCode: packet.reasonCode } : { returnCode: packet.returnCode };
    expect(read).toEqual([expect.objectContaining({ cmd: 'connack', sessionPresent: packet.sessionPresent, ...code })]);
  });

  it('writes every one-byte CONNACK code as mqtt-packet does', () => {
    for (const version of [3, 4, 5])
      for (const sessionPresent of [false, true])
        for (let code = 0; code <= 0xff; code++) {
          const packet: IConnackPacket = { cmd: 'connack', sessionPresent, returnCode: code, reasonCode: code };
          expect(encodeConnack(sessionPresent, code, version)?.equals(generate(packet, { protocolVersion: version }))).toBe(true);
        }
  });

  it('leaves a v5 CONNACK with properties, and a CONNACK without a one-byte code, to generate', () => {
    expect(encodeSimplePacket({ cmd: 'connack', sessionPresent: false, reasonCode: 0, properties: { retainAvailable: true } }, 5)).toBeUndefined();
    expect(encodeSimplePacket({ cmd: 'connack', sessionPresent: false, reasonCode: 0, properties: {} }, 5)).toBeUndefined();
    // before v5 the Connect Return Code is written, whatever reasonCode says
    expect(encodeSimplePacket({ cmd: 'connack', sessionPresent: false, reasonCode: 0 }, 4)).toBeUndefined();
    expect(encodeSimplePacket({ cmd: 'connack', sessionPresent: false, returnCode: 0 }, 5)).toBeUndefined();
    expect(encodeSimplePacket({ cmd: 'connack', sessionPresent: false, returnCode: 256 }, 4)).toBeUndefined();
    expect(encodeSimplePacket({ cmd: 'connack', sessionPresent: false, returnCode: 1.5 }, 4)).toBeUndefined();
  });
});
