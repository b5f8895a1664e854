import type { Message } from '@mqp/model';
import { messageFromProto, messageToProto } from './message.convert';
import { routerServiceDefinition } from './definitions';

/** Serializes and parses through the real protobuf codec, as a gRPC hop does. */
function overTheWire(message: Message): Message {
  const method = routerServiceDefinition.Retain;
  const decoded = method.requestDeserialize(method.requestSerialize({ message: messageToProto(message) }));
  if (!decoded.message) throw new Error('message lost');
  return messageFromProto(decoded.message);
}

const minimal: Message = {
  id: 'm1',
  topic: 'a/b',
  payload: Buffer.alloc(0),
  qos: 0,
  retain: false,
  origin: { clientId: 'c1', gatewayId: 'gw1' },
  createdAt: 1_700_000_000_123,
};

describe('Message over protobuf', () => {
  it('keeps a message with every field set, binary payload and user property order [MQTT-3.3.2-18]', () => {
    const full: Message = {
      ...minimal,
      payload: Buffer.from([0x00, 0xff, 0x10, 0x80, 0x00]),
      qos: 2,
      retain: true,
      expiresAt: 1_700_000_060_123,
      properties: {
        payloadFormatIndicator: false,
        messageExpiryInterval: 60,
        contentType: 'application/octet-stream',
        responseTopic: 'reply/here',
        correlationData: Buffer.from([1, 2, 3]),
        userProperties: [
          ['z', '1'],
          ['a', '2'],
          ['z', '3'],
          ['__proto__', 'x'],
        ],
      },
    };
    expect(overTheWire(full)).toEqual(full);
  });

  it('leaves absent optional fields absent', () => {
    const back = overTheWire(minimal);
    expect(back).toEqual(minimal);
    expect('expiresAt' in back).toBe(false);
    expect('properties' in back).toBe(false);
  });

  it('keeps properties that are present but falsy', () => {
    const message: Message = { ...minimal, properties: { payloadFormatIndicator: false, messageExpiryInterval: 0, contentType: '' } };
    expect(overTheWire(message)).toEqual(message);
  });

  it('refuses a QoS above 2 from a peer', () => {
    const method = routerServiceDefinition.Retain;
    const decoded = method.requestDeserialize(method.requestSerialize({ message: { ...messageToProto(minimal), qos: 3 } }));
    expect(() => messageFromProto(decoded.message!)).toThrow(/QoS/);
  });
});
