import type { Message } from '@mqp/model';
import { encodePublish } from '@mqp/protocol';
import { lazyMessage, messageFromBus, topicFromBus } from './local-message';
import { decodeMessage, decodeMessageTopic, encodeMessage, envelopeArrival, type ArrivalPacket } from './message-envelope';
import { queueGroups } from './subjects';

const full: Message = {
  id: 'abc123',
  topic: 'fleet/car-7/pos',
  payload: Buffer.from([0, 1, 2, 255]),
  qos: 2,
  retain: true,
  origin: { clientId: 'car-7', gatewayId: 'gw1' },
  createdAt: 1_764_000_000_123,
  expiresAt: 1_764_000_060_123,
  properties: {
    payloadFormatIndicator: false,
    messageExpiryInterval: 60,
    contentType: 'application/octet-stream',
    responseTopic: 'fleet/car-7/reply',
    correlationData: Buffer.from([9, 8, 7]),
    // repeated names in their order [MQTT-3.3.2-18]
    userProperties: [
      ['b', '1'],
      ['a', '2'],
      ['b', '3'],
    ],
  },
};

/** The envelope as another process receives it: the same bytes in a new buffer. */
function received(bytes: Buffer): Buffer {
  return Buffer.from(bytes);
}

describe('message envelope', () => {
  it('round-trips a message with every field, binary payload and ordered user properties', () => {
    expect(decodeMessage(received(encodeMessage(full)))).toEqual(full);
  });

  it('hands back the message itself from a lazy payload (standalone: the in-process bus passes it on), decoding only bytes', () => {
    const lazy = lazyMessage(full);
    expect(messageFromBus({ subject: 's', data: lazy.encode(lazy.value), local: lazy })).toBe(full);
    expect(topicFromBus({ subject: 's', data: Buffer.alloc(0), local: lazy })).toBe(full.topic);
    const fromBytes = messageFromBus({ subject: 's', data: encodeMessage(full) });
    expect(fromBytes).not.toBe(full);
    expect(fromBytes).toEqual(full);
    expect(topicFromBus({ subject: 's', data: encodeMessage(full) })).toBe(full.topic);
  });

  it('takes a lazy payload of another kind by its bytes, never as a message', () => {
    const other = { value: { topic: 'not a message' }, encode: () => encodeMessage(full) };
    expect(messageFromBus({ subject: 's', data: encodeMessage(full), local: other })).toEqual(full);
    expect(topicFromBus({ subject: 's', data: encodeMessage(full), local: other })).toBe(full.topic);
  });

  it('round-trips a minimal message without properties or expiry', () => {
    const { properties: _p, expiresAt: _e, ...minimal } = full;
    const decoded = decodeMessage(received(encodeMessage({ ...minimal, qos: 0, retain: false, payload: Buffer.alloc(0) })));
    expect(decoded).toEqual({ ...minimal, qos: 0, retain: false, payload: Buffer.alloc(0) });
    expect('properties' in decoded || 'expiresAt' in decoded).toBe(false);
  });

  it('decodes a stream of envelopes whose topic and origin repeat, change, and change to others of the same length', () => {
    const origins = [full.origin, { clientId: 'car-8', gatewayId: 'gw1' }, { clientId: 'car-8', gatewayId: 'gw2' }];
    const stream: Message[] = [];
    for (const topic of ['fleet/a', 'fleet/a', 'fleet/b', 'é/a', 'fleet/b'])
      for (const origin of [origins[0]!, origins[0]!, origins[1]!, { ...origins[1]! }, origins[2]!, origins[0]!]) stream.push({ ...full, topic, origin });
    const decoded = stream.map((m) => received(encodeMessage(m))).map((e) => ({ topic: decodeMessageTopic(e), message: decodeMessage(e) }));
    expect(decoded.map((d) => d.message)).toEqual(stream);
    expect(decoded.map((d) => d.topic)).toEqual(stream.map((m) => m.topic));
  });

  it('reads the topic alone, the same as a full decode, for any topic', () => {
    for (const topic of ['a', '', 'é/😀/x', '$SYS/brokers', 'x'.repeat(65_535)]) {
      const bytes = encodeMessage({ ...full, topic });
      expect(decodeMessageTopic(bytes)).toBe(topic);
      expect(decodeMessageTopic(new Uint8Array(bytes))).toBe(topic);
    }
  });

  it('round-trips ids and topics of every kind: ASCII, multi-byte and surrogate pairs, short and long', () => {
    const names = ['', 'a', 'fleet/car-7/pos', 'é', 'ñandú/Ω', '😀', 'x'.repeat(64), 'x'.repeat(63) + 'é', 'x'.repeat(65), 'é'.repeat(40), '\u0000/\u007f'];
    for (const name of names) {
      const message: Message = { ...full, id: name, topic: name, origin: { clientId: name, gatewayId: name } };
      expect(decodeMessage(received(encodeMessage(message)))).toEqual(message);
    }
  });

  it('refuses bytes that are not an envelope of this version, or are cut short', () => {
    expect(() => decodeMessage(Buffer.from([1, 0]))).toThrow('unsupported message envelope');
    expect(() => decodeMessageTopic(Buffer.from([]))).toThrow('unsupported message envelope');
    const bytes = encodeMessage(full);
    for (const cut of [2, 5, bytes.length - full.payload.length - 1]) {
      expect(() => decodeMessage(bytes.subarray(0, cut))).toThrow('truncated message envelope');
      expect(() => decodeMessageTopic(bytes.subarray(0, cut))).toThrow('truncated message envelope');
    }
  });

  it('ends a QoS 0 message without RETAIN, properties or expiry with its MQTT 3.1.1 PUBLISH packet [MQTT-3.3.1-9]', () => {
    const plain: Message = { id: 'i', topic: 'fleet/car-7/pos', payload: Buffer.from([5, 0, 1]), qos: 0, retain: false, origin: full.origin, createdAt: 1 };
    const envelope = received(encodeMessage(plain));
    expect(envelopeArrival(envelope)?.bytes.toString('hex')).toBe(Buffer.concat([Buffer.from([0x30, 20, 0, 15]), Buffer.from(plain.topic), plain.payload]).toString('hex'));
    expect(envelopeArrival(envelope)?.framing).toBe(4);
    expect(decodeMessage(envelope)).toEqual(plain);
    // a Remaining Length of two bytes
    const long = { ...plain, payload: Buffer.alloc(300, 1) };
    expect(envelopeArrival(encodeMessage(long))?.bytes.subarray(0, 3).toString('hex')).toBe('30bd02');
    // the packet the message arrived in gives the same envelope, copied whole when it is framed as the envelope is
    const v4 = encodePublish({ topic: plain.topic, qos: 0, retain: false, protocolVersion: 4 }, plain.payload);
    const v5 = encodePublish({ topic: plain.topic, qos: 0, retain: false, protocolVersion: 5 }, plain.payload);
    expect(encodeMessage(plain, { bytes: v4, framing: 4 })).toEqual(encodeMessage(plain));
    expect(encodeMessage(plain, { bytes: v5, framing: 5 })).toEqual(encodeMessage(plain));
    for (const other of [{ qos: 1 as const }, { retain: true }, { expiresAt: 2 }, { properties: { contentType: 'text/plain' } }]) {
      const message = { ...plain, ...other };
      expect(envelopeArrival(encodeMessage(message))).toBeUndefined();
      expect(decodeMessage(encodeMessage(message))).toEqual(message);
    }
  });

  it('finds the packet of each envelope whichever envelope had its topic read last', () => {
    const plain: Message = { id: 'i', topic: 't/1', payload: Buffer.from([1]), qos: 0, retain: false, origin: full.origin, createdAt: 1 };
    const a = received(encodeMessage(plain));
    const b = received(encodeMessage({ ...plain, id: 'a-longer-id', topic: 't/22' }));
    const packetOf = (m: Message): string => Buffer.concat([Buffer.from([0x30, 2 + m.topic.length + 1, 0, m.topic.length]), Buffer.from(m.topic), m.payload]).toString('hex');
    expect(decodeMessageTopic(a)).toBe('t/1');
    expect(envelopeArrival(b)?.bytes.toString('hex')).toBe(packetOf({ ...plain, topic: 't/22' }));
    expect(envelopeArrival(a)?.bytes.toString('hex')).toBe(packetOf(plain));
    expect(decodeMessageTopic(b)).toBe('t/22');
    expect(envelopeArrival(b)?.bytes.toString('hex')).toBe(packetOf({ ...plain, topic: 't/22' }));
  });

  it('writes a lazy message in place (a NATS run) byte for byte as encodeMessage makes it, and measures it exactly', () => {
    const plain: Message = { id: 'i-é', topic: 'fleet/é/pos', payload: Buffer.from([5, 0, 1]), qos: 0, retain: false, origin: full.origin, createdAt: 1 };
    const arrival = { bytes: encodePublish({ topic: plain.topic, qos: 0, retain: false, protocolVersion: 4 }, plain.payload), framing: 4 as const };
    const cases: [Message, ArrivalPacket | undefined][] = [[full, undefined], [plain, undefined], [plain, arrival], [{ ...plain, payload: Buffer.alloc(300, 1) }, undefined]];
    for (const [message, from] of cases) {
      const lazy = lazyMessage(message, from);
      const out = Buffer.alloc(lazy.encodedLength() + 5, 0xee);
      expect(lazy.encodeInto(out, 3)).toBe(3 + lazy.encodedLength());
      expect(out.subarray(3, -2).toString('hex')).toBe(encodeMessage(message).toString('hex'));
      // the bytes around it are untouched
      expect([...out.subarray(0, 3), ...out.subarray(-2)]).toEqual([0xee, 0xee, 0xee, 0xee, 0xee]);
      // measured first, encoded alone (a part with no run to join): the same bytes
      expect(Buffer.from(lazy.encode(message)).toString('hex')).toBe(encodeMessage(message).toString('hex'));
    }
  });
});

describe('queue group names', () => {
  // Pinned values: every gateway and integration instance, of any version, must derive the same names.
  it('names a shared subscription group by (group, filter), $queue apart from $share', () => {
    expect(queueGroups.shared('g', 'a/#')).toBe('mqp.share.787344ee0e7f0e1ca8b5cccb4fea4f1c');
    expect(queueGroups.shared('$queue', 'a/#')).toBe('mqp.share.9dec02dd1497f384308d173eb37d0991');
  });

  it('names one integration group per filter', () => {
    expect(queueGroups.integrationFilter('t/#')).toBe('mqp.integration.dd247d7ea3d2f1df');
  });
});
