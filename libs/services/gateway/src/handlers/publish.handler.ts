import { newId, type Message } from '@mqp/model';
import { framingOf, type ArrivalPacket } from '@mqp/contracts';
import { ReasonCode, type PlainPublishPacket } from '@mqp/protocol';
import { tracingEnabled } from '@mqp/telemetry';
import { isUtf8 } from 'node:buffer';
import type { IPublishPacket } from 'mqtt-packet';
import type { Connection } from '../connection';
import { LIMITS, type GatewayContext } from '../gateway-context';
import { messagePropertiesOf } from '../publish-codec';
import { mayPublish, putOnBus, routeMessage, withPublishSpan, type RouteResult } from '../publish-pipeline';
import { resolveInboundAlias } from '../topic-alias';
import { sendWithReasonString } from '../reason-string';

/** Reason Strings of the refusing PUBACK / PUBREC (MQTT 5.0 §3.4.2.2.2, §3.5.2.2.2). */
const NOT_AUTHORIZED = 'not authorized to publish to this topic';
const PAYLOAD_NOT_UTF8 = 'payload is not valid UTF-8 (Payload Format Indicator 1)';
const NOT_STORED = 'retained message could not be stored';

/**
 * The fast path of the common PUBLISH: QoS 0 or 1, no retain, no
 * properties, a valid topic this connection was already allowed to publish
 * to, no tracing. Such a message needs no service call, so it goes on the
 * bus synchronously, without the awaits and span of the general path (paid
 * per message when every socket read carries one, and a QoS 1 publisher's
 * next PUBLISH waited for them, docs/benchmarks.md). A QoS 1 PUBACK is sent
 * as on the general path: once the bus settled the message, in PUBLISH
 * order. Same checks, same result; false means "take the general path",
 * which decides everything else (QoS 2 and its packet ids among them).
 */
export function publishNow(ctx: GatewayContext, conn: Connection, packet: IPublishPacket): boolean {
  if (packet.qos === 2 || packet.retain || packet.properties !== undefined) return false;
  // an empty topic needs the alias rules; no cached allow (a $ topic is never cached) needs the auth service
  if (packet.topic === '' || conn.authorizations.get(packet.topic) !== true || tracingEnabled()) return false;
  // the cache is filled only after this check passed, but it must not be the only guard against a bad name
  if (!conn.isValidatedTopic(packet.topic)) return false;
  const message = messageOf(ctx, conn, packet, conn.lastPacketAt);
  if (packet.qos === 0) {
    // a packet read without mqtt-packet comes with its bytes, which local subscribers' QoS 0 copies may reuse
    const frame = (packet as Partial<PlainPublishPacket>).frame;
    const arrival: ArrivalPacket | undefined = frame === undefined ? undefined : { bytes: frame, framing: framingOf(conn.protocolVersion) };
    putOnBus(ctx, message, true, false, arrival);
    return true;
  }
  const routed = putOnBus(ctx, message, true, false);
  // handled (see Connection.unackedInbound), as handlePublish counts it once its handling is done
  conn.unackedInbound--;
  if (!conn.isClosed) acknowledge(conn, packet, ReasonCode.Success, undefined, settled(ctx, conn, packet, routed));
  return true;
}

export async function handlePublish(ctx: GatewayContext, conn: Connection, packet: IPublishPacket): Promise<void> {
  try {
    await withPublishSpan(traceparentOf(packet), () => publish(ctx, conn, packet));
  } finally {
    if (packet.qos > 0) conn.unackedInbound--;
  }
}

async function publish(ctx: GatewayContext, conn: Connection, packet: IPublishPacket): Promise<void> {
  if (packet.qos === 2) {
    const id = packet.messageId ?? 0;
    forgetExpiredAwaitingRel(conn, Date.now());
    // [MQTT-4.3.3-10] a PUBLISH whose packet id still awaits PUBREL is the same message again: PUBREC, not forwarded twice
    if (conn.awaitingRel.has(id)) return acknowledge(conn, packet, ReasonCode.Success);
    // a v3.1.1 client (no Receive Maximum) with too many QoS 2 flows open is cut off like a v5 one past ours (0x93)
    if (conn.awaitingRel.size >= LIMITS.awaitingRelMax) return conn.disconnect(ReasonCode.ReceiveMaximumExceeded, 'awaiting_rel_full');
  }
  // [MQTT-3.3.2-8] [MQTT-3.3.2-9] aliases within the Topic Alias Maximum of our CONNACK; an empty topic takes the alias's topic
  const aliasRefused = resolveInboundAlias(packet, conn.topicAliasesIn, conn.protocolVersion === 5 ? ctx.config.topicAliasMaximum : 0);
  if (aliasRefused !== undefined) return conn.disconnect(aliasRefused.reasonCode, aliasRefused.reason);
  if (packet.properties?.subscriptionIdentifier !== undefined) {
    // [MQTT-3.3.4-6] a client PUBLISH must not contain a Subscription Identifier
    return conn.disconnect(ReasonCode.ProtocolError, 'subscription_identifier_in_publish');
  }
  // MQTT 5.0 §3.3.2.3.4: an empty Topic Name with no Topic Alias is a Protocol Error (0x82), not an invalid name [CVE-2021-34432]
  if (packet.topic === '') return conn.disconnect(ReasonCode.ProtocolError, 'empty_topic_without_alias');
  // [MQTT-3.3.2-2] no wildcards, [MQTT-4.7.3-1] not empty: an invalid topic name closes the connection
  if (!conn.isValidatedTopic(packet.topic)) return conn.disconnect(ReasonCode.TopicNameInvalid, 'topic_name_invalid');

  if (!(await mayPublish(ctx, conn, packet.topic))) {
    ctx.metrics.dropped.inc();
    if (ctx.config.denyAction === 'disconnect') return conn.disconnect(ReasonCode.NotAuthorized, 'publish_not_authorized');
    // v5 says why [MQTT-3.4.2-1]; v3.1.1 has no negative PUBACK, so it gets a plain one and the message is dropped
    // (QoS 2: a v5 PUBREC >= 0x80 ends the flow, no PUBREL follows; v3.1.1: a plain PUBREC, and the PUBREL gets its PUBCOMP anyway)
    acknowledge(conn, packet, ReasonCode.NotAuthorized, NOT_AUTHORIZED);
    return;
  }
  // MQTT 5.0 §3.3.2.3.2: Payload Format Indicator 1 promises UTF-8; the server MAY check it and answer 0x99 Payload format invalid
  if (packet.properties?.payloadFormatIndicator === true && !isUtf8(payloadOf(packet))) {
    ctx.metrics.dropped.inc();
    acknowledge(conn, packet, ReasonCode.PayloadFormatInvalid, PAYLOAD_NOT_UTF8);
    return;
  }

  const now = Date.now();
  const routed = await routeMessage(ctx, messageOf(ctx, conn, packet, now));
  const { retained } = routed;
  if (conn.isClosed || packet.qos === 0) return;
  const handedOver = settled(ctx, conn, packet, routed);
  // [MQTT-4.3.3-9] QoS 2 (method A): forwarded once, the packet id kept until PUBREL, PUBREC sent
  // (kept now, not at the PUBREC: a DUP arriving meanwhile is the same message [MQTT-4.3.3-10])
  if (packet.qos === 2 && (retained || conn.protocolVersion !== 5)) conn.awaitingRel.set(packet.messageId ?? 0, now);
  // [MQTT-4.3.2-2] QoS 1: PUBACK once the message is owned; a retained store failure is reported to v5 clients
  acknowledge(conn, packet, retained ? ReasonCode.Success : ReasonCode.UnspecifiedError, retained ? undefined : NOT_STORED, handedOver);
}

/**
 * [MQTT-4.3.2-2] [MQTT-4.3.3-9] the PUBACK/PUBREC hands the message over to
 * us: first the bus must have it (standalone: offline sessions' copies
 * committed to the store; NATS: the server has it, and the session service
 * stored the offline sessions' copies, `captured`). If it cannot, no ack is
 * sent and the connection is closed, so the client sends it again (DUP) when
 * it reconnects.
 */
async function settled(ctx: GatewayContext, conn: Connection, packet: IPublishPacket, routed: RouteResult): Promise<boolean> {
  try {
    await ctx.bus.settle();
    if (routed.captured) await routed.captured;
    return true;
  } catch (err) {
    // not acknowledged, so the client sends it again as a new message: this attempt is forgotten (a QoS 2 id kept
    // would make the resend look like a duplicate and never forward it; a capture still pending would store it twice)
    if (packet.qos === 2) conn.awaitingRel.delete(packet.messageId ?? 0);
    if (routed.encoded) ctx.captures?.withdraw(routed.encoded);
    ctx.logger.warn('message not handed to the bus: closing without acknowledging it', { clientId: conn.clientId, error: err });
    conn.disconnect(ReasonCode.UnspecifiedError, 'bus_unavailable');
    return false;
  }
}

/** Drops QoS 2 ids whose PUBREL never came (EMQX await_rel_timeout); the map is in arrival order. */
export function forgetExpiredAwaitingRel(conn: Connection, now: number): void {
  for (const [id, at] of conn.awaitingRel) {
    if (now - at < LIMITS.awaitingRelTimeoutMs) return;
    conn.awaitingRel.delete(id);
  }
}

/**
 * The PUBACK (QoS 1) or PUBREC (QoS 2) of `packet`; nothing for QoS 0.
 * `reasonString` only with a failure code: a refusal says why
 * [MQTT-3.4.2-2] [MQTT-3.5.2-2] (dropped if it would break the client's
 * limits; v3.1.1 has neither reason codes nor properties). Sent in PUBLISH
 * order, after `handedOver` when given (see Connection.acknowledgeInOrder).
 */
function acknowledge(conn: Connection, packet: IPublishPacket, reasonCode: number, reasonString?: string, handedOver?: Promise<boolean>): void {
  if (packet.qos === 0) return;
  const cmd = packet.qos === 1 ? 'puback' : 'pubrec';
  conn.acknowledgeInOrder(() => {
    if (conn.protocolVersion === 5) sendWithReasonString(conn, { cmd, messageId: packet.messageId, reasonCode }, reasonString);
    else conn.send({ cmd, messageId: packet.messageId });
  }, handedOver);
}

/** The platform message of an accepted PUBLISH. */
function messageOf(ctx: GatewayContext, conn: Connection, packet: IPublishPacket, now: number): Message {
  const message: Message = {
    id: newId(),
    topic: packet.topic,
    payload: payloadOf(packet),
    qos: packet.qos,
    retain: packet.retain,
    origin: conn.messageOrigin(ctx.gatewayId),
    createdAt: now,
  };
  if (conn.protocolVersion === 5) {
    const properties = messagePropertiesOf(packet);
    if (properties) message.properties = properties;
    if (properties?.messageExpiryInterval !== undefined) message.expiresAt = now + properties.messageExpiryInterval * 1000;
  }
  return message;
}

/** The MQTT 5 `traceparent` user property, if the client sent one (the first, if it sent several). */
function traceparentOf(packet: IPublishPacket): string | undefined {
  const value = packet.properties?.userProperties?.['traceparent'];
  return Array.isArray(value) ? value[0] : value;
}

function payloadOf(packet: IPublishPacket): Buffer {
  return Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
}
