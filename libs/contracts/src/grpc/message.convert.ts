import { InvalidArgumentError, type Message, type MessageProperties } from '@mqp/model';
import type { Message as ProtoMessage, Message__Output as ProtoMessageOutput } from '../generated/mqp/common/v1/Message';
import type {
  MessageProperties as ProtoProperties,
  MessageProperties__Output as ProtoPropertiesOutput,
} from '../generated/mqp/common/v1/MessageProperties';
import { qosFromWire } from './wire-values';

/**
 * @mqp/model Message ⇄ mqp.common.v1.Message. Absent optional fields stay
 * absent both ways; user properties keep their order [MQTT-3.3.2-18]. The one
 * thing not kept: an empty `userProperties: []` comes back absent (a repeated
 * field cannot tell empty from unset), which means the same to MQTT.
 */
export function messageToProto(message: Message): ProtoMessage {
  const out: ProtoMessage = {
    id: message.id,
    topic: message.topic,
    payload: message.payload,
    qos: message.qos,
    retain: message.retain,
    origin: { clientId: message.origin.clientId, gatewayId: message.origin.gatewayId },
    createdAt: message.createdAt,
  };
  if (message.properties !== undefined) out.properties = propertiesToProto(message.properties);
  if (message.expiresAt !== undefined) out.expiresAt = message.expiresAt;
  return out;
}

export function messageFromProto(proto: ProtoMessageOutput): Message {
  if (!proto.origin) throw new InvalidArgumentError(`message ${proto.id} has no origin`);
  const message: Message = {
    id: proto.id,
    topic: proto.topic,
    payload: proto.payload,
    qos: qosFromWire(proto.qos),
    retain: proto.retain,
    origin: { clientId: proto.origin.clientId, gatewayId: proto.origin.gatewayId },
    createdAt: proto.createdAt,
  };
  if (proto.properties) message.properties = propertiesFromProto(proto.properties);
  if (proto.expiresAt !== undefined) message.expiresAt = proto.expiresAt;
  return message;
}

function propertiesToProto(p: MessageProperties): ProtoProperties {
  const out: ProtoProperties = {};
  if (p.payloadFormatIndicator !== undefined) out.payloadFormatIndicator = p.payloadFormatIndicator;
  if (p.messageExpiryInterval !== undefined) out.messageExpiryInterval = p.messageExpiryInterval;
  if (p.contentType !== undefined) out.contentType = p.contentType;
  if (p.responseTopic !== undefined) out.responseTopic = p.responseTopic;
  if (p.correlationData !== undefined) out.correlationData = p.correlationData;
  if (p.userProperties !== undefined) out.userProperties = p.userProperties.map(([name, value]) => ({ name, value }));
  return out;
}

function propertiesFromProto(p: ProtoPropertiesOutput): MessageProperties {
  const out: MessageProperties = {};
  if (p.payloadFormatIndicator !== undefined) out.payloadFormatIndicator = p.payloadFormatIndicator;
  if (p.messageExpiryInterval !== undefined) out.messageExpiryInterval = p.messageExpiryInterval;
  if (p.contentType !== undefined) out.contentType = p.contentType;
  if (p.responseTopic !== undefined) out.responseTopic = p.responseTopic;
  if (p.correlationData !== undefined) out.correlationData = p.correlationData;
  if (p.userProperties.length > 0) out.userProperties = p.userProperties.map((u) => [u.name, u.value] as const);
  return out;
}
