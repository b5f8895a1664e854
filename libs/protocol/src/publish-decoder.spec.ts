import { generate, type IPublishPacket, type Packet } from 'mqtt-packet';
import { parsedByMqttPacket } from './mqtt-packet-reference.test-harness';
import { decodePlainPublish, lastTopicOfConnection } from './publish-decoder';

function publishBytes(p: Partial<IPublishPacket>, protocolVersion: number): Buffer {
  return generate({ cmd: 'publish', topic: 't', payload: Buffer.alloc(0), qos: 0, retain: false, dup: false, ...p } as IPublishPacket, { protocolVersion });
}

describe('decodePlainPublish', () => {
  const topics = ['a', 'sensors/öl/temp', '€/𝄞', 'x'.repeat(300)];
  const payloads = [Buffer.alloc(0), Buffer.from('hello'), Buffer.alloc(200, 7), Buffer.alloc(20_000, 1)];

  it('decodes every PUBLISH without properties as mqtt-packet does [MQTT-3.3.1] [MQTT-3.3.2]', () => {
    for (const protocolVersion of [3, 4, 5])
      for (const qos of [0, 1, 2] as const)
        for (const retain of [false, true])
          for (const dup of qos > 0 ? [false, true] : [false])
            for (const topic of topics)
              for (const payload of payloads) {
                const bytes = publishBytes({ topic, payload, qos, retain, dup, messageId: qos > 0 ? 65_535 : undefined }, protocolVersion);
                const decoded = decodePlainPublish(bytes, protocolVersion);
                const expected = parsedByMqttPacket(bytes, protocolVersion) as IPublishPacket;
                // payloads compared as bytes: a deep compare of 20 kB buffers would be most of the test's time
                expect({ ...decoded, payload: undefined, frame: undefined }).toEqual({ ...expected, payload: undefined });
                expect(decoded?.frame).toBe(bytes);
                expect(Buffer.from(decoded?.payload ?? '').equals(payload)).toBe(true);
                expect(Buffer.from(expected.payload).equals(payload)).toBe(true);
              }
  });

  it('leaves MQTT 5 properties to the general parser', () => {
    const bytes = publishBytes({ properties: { contentType: 'text/plain' } }, 5);
    expect(decodePlainPublish(bytes, 5)).toBeUndefined();
  });

  it('leaves a topic that is not valid UTF-8 to the general parser, which refuses it [MQTT-1.5.4-1] [MQTT-1.5.4-2]', () => {
    for (const topicBytes of [[0xc0, 0xaf], [0x61, 0x00], [0xed, 0xa0, 0x80]]) {
      const bytes = Buffer.from([0x30, 2 + topicBytes.length, 0, topicBytes.length, ...topicBytes]);
      expect(decodePlainPublish(bytes, 4)).toBeUndefined();
    }
  });

  it('leaves a missing or zero Packet Identifier to the general parser, which refuses it [MQTT-2.3.1-1]', () => {
    expect(decodePlainPublish(Buffer.from([0x32, 5, 0, 1, 0x74, 0, 0]), 4)).toBeUndefined();
    expect(decodePlainPublish(Buffer.from([0x32, 4, 0, 1, 0x74, 0]), 4)).toBeUndefined();
  });

  it('leaves a packet too short for its topic or Properties to the general parser', () => {
    expect(decodePlainPublish(Buffer.from([0x30, 1, 0]), 4)).toBeUndefined();
    expect(decodePlainPublish(Buffer.from([0x30, 4, 0, 5, 0x61, 0x62]), 4)).toBeUndefined();
    // MQTT 5: the Properties length byte is missing
    expect(decodePlainPublish(Buffer.from([0x30, 3, 0, 1, 0x74]), 5)).toBeUndefined();
  });

  it('reads a Remaining Length of several bytes', () => {
    const bytes = publishBytes({ topic: 'big', payload: Buffer.alloc(2_000_000, 3) }, 4);
    expect(bytes[1]! & 0x80).toBe(0x80);
    expect(decodePlainPublish(bytes, 4)?.payload.length).toBe(2_000_000);
  });

  describe('with the last topic of its connection', () => {
    it('hands back the same string for the same topic bytes, and the new topic when they change', () => {
      const last = lastTopicOfConnection();
      const first = decodePlainPublish(publishBytes({ topic: 'fleet/car-7/pos' }, 4), 4, last);
      const again = decodePlainPublish(publishBytes({ topic: 'fleet/car-7/pos', payload: Buffer.from('x') }, 4), 4, last);
      expect(again?.topic).toBe(first?.topic);
      for (const topic of ['fleet/car-8/pos', 'fleet/car-7/po', 'é/😀', 'fleet/car-7/pos'])
        expect(decodePlainPublish(publishBytes({ topic }, 4), 4, last)?.topic).toBe(topic);
    });

    it('still leaves a topic that is not valid UTF-8 to the general parser after a valid one of the same length [MQTT-1.5.4-1]', () => {
      const last = lastTopicOfConnection();
      expect(decodePlainPublish(Buffer.from([0x30, 4, 0, 2, 0x61, 0x62]), 4, last)?.topic).toBe('ab');
      expect(decodePlainPublish(Buffer.from([0x30, 4, 0, 2, 0xc0, 0xaf]), 4, last)).toBeUndefined();
      expect(decodePlainPublish(Buffer.from([0x30, 4, 0, 2, 0x61, 0x00]), 4, last)).toBeUndefined();
    });

    it('compares with its own copy of the topic, not with the bytes of an earlier packet that may be reused', () => {
      const last = lastTopicOfConnection();
      const earlier = Buffer.from([0x30, 4, 0, 2, 0x61, 0x62]);
      expect(decodePlainPublish(earlier, 4, last)?.topic).toBe('ab');
      earlier.set([0x78, 0x79], 4);
      expect(decodePlainPublish(Buffer.from([0x30, 4, 0, 2, 0x78, 0x79]), 4, last)?.topic).toBe('xy');
    });
  });
});
