import { newId, type Message } from '@mqp/model';
import { ReasonCode, validateTopicName } from '@mqp/protocol';
import type { IPublishPacket } from 'mqtt-packet';
import type { Connection } from '../connection';
import type { GatewayContext } from '../gateway-context';
import { messagePropertiesOf } from '../publish-codec';
import { mayPublish, routeMessage } from '../publish-pipeline';

export async function handlePublish(ctx: GatewayContext, conn: Connection, packet: IPublishPacket): Promise<void> {
  try {
    await publish(ctx, conn, packet);
  } finally {
    if (packet.qos === 1) conn.unackedInbound--;
  }
}

async function publish(ctx: GatewayContext, conn: Connection, packet: IPublishPacket): Promise<void> {
  // [MQTT-3.2.2-11] a PUBLISH above the advertised Maximum QoS (1) is a protocol error: DISCONNECT 0x9B (v3.1.1: the connection closes)
  if (packet.qos > 1) return conn.disconnect(ReasonCode.QoSNotSupported, 'qos_not_supported');
  if (packet.properties?.topicAlias !== undefined) {
    // [MQTT-3.3.2-8] Topic Alias Maximum is 0 (absent from our CONNACK), so any alias is invalid: 0x94
    return conn.disconnect(ReasonCode.TopicAliasInvalid, 'topic_alias_invalid');
  }
  if (packet.properties?.subscriptionIdentifier !== undefined) {
    // [MQTT-3.3.4-6] a client PUBLISH must not contain a Subscription Identifier
    return conn.disconnect(ReasonCode.ProtocolError, 'subscription_identifier_in_publish');
  }
  // [MQTT-3.3.2-2] no wildcards, [MQTT-4.7.3-1] not empty: an invalid topic name closes the connection
  if (validateTopicName(packet.topic) !== undefined) return conn.disconnect(ReasonCode.TopicNameInvalid, 'topic_name_invalid');

  if (!(await mayPublish(ctx, conn, packet.topic))) {
    ctx.metrics.dropped.inc();
    // v5 says why [MQTT-3.4.2-1]; v3.1.1 has no negative PUBACK, so it gets a plain one and the message is dropped
    if (packet.qos === 1) puback(conn, packet, ReasonCode.NotAuthorized);
    return;
  }

  const now = Date.now();
  const message: Message = {
    id: newId(),
    topic: packet.topic,
    payload: Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload),
    qos: packet.qos,
    retain: packet.retain,
    origin: { clientId: conn.clientId, gatewayId: ctx.gatewayId },
    createdAt: now,
  };
  if (conn.protocolVersion === 5) {
    const properties = messagePropertiesOf(packet);
    if (properties) message.properties = properties;
    if (properties?.messageExpiryInterval !== undefined) message.expiresAt = now + properties.messageExpiryInterval * 1000;
  }
  const { retained } = await routeMessage(ctx, message);
  if (conn.isClosed) return;
  // [MQTT-4.3.2-2] QoS 1: PUBACK once the message is owned; a retained store failure is reported to v5 clients
  if (packet.qos === 1) puback(conn, packet, retained ? ReasonCode.Success : ReasonCode.UnspecifiedError);
}

function puback(conn: Connection, packet: IPublishPacket, reasonCode: number): void {
  if (conn.protocolVersion === 5) conn.send({ cmd: 'puback', messageId: packet.messageId, reasonCode });
  else conn.send({ cmd: 'puback', messageId: packet.messageId });
}
