import type { BusHeaders } from '@mqp/bus';
import { framingOf, type ArrivalPacket } from '@mqp/contracts';
import type { Message, QoS } from '@mqp/model';
import { contextWithSpan, extractHeaders, SpanKind, traceparentOf, tracer, tracingEnabled } from '@mqp/telemetry';
import type { ClientSubscription, Connection } from './connection';
import type { GatewayMetrics } from './gateway.metrics';
import type { OutboundPublish } from './outbound-queue';
import { serializePublish, type PublishVariant, type SerializedPublish } from './publish-codec';
import type { OutboundTopicAliases } from './topic-alias';

interface Recipient {
  conn: Connection;
  qos: QoS;
  retain: boolean;
  /** v5: identifiers of all of this client's matching subscriptions that have one [MQTT-3.3.4-3]. */
  subscriptionIds: number[] | undefined;
}

/** What `sub` gets of `message`, or nothing when its client takes no message now or published it with No Local. */
function recipientOf(sub: ClientSubscription, message: Message): Recipient | undefined {
  const conn = sub.connection;
  if (!conn.acceptsMessages) return undefined;
  // [MQTT-3.8.3-3] No Local: not back to the client id that published it
  if (sub.noLocal && conn.clientId === message.origin.clientId) return undefined;
  const qos = (sub.qos < message.qos ? sub.qos : message.qos) as QoS;
  // [MQTT-3.3.1-12] Retain As Published keeps the flag on live delivery; otherwise [MQTT-3.3.1-13] it is cleared (v3.1.1: [MQTT-3.3.1-9])
  const retain = message.retain && sub.retainAsPublished && conn.protocolVersion === 5;
  const subscriptionId = conn.protocolVersion === 5 ? sub.subscriptionId : undefined;
  return { conn, qos, retain, subscriptionIds: subscriptionId === undefined ? undefined : [subscriptionId] };
}

/**
 * One recipient per client, at the highest QoS granted among its matching
 * subscriptions [MQTT-3.3.4-2] (v5 overlapping subscriptions). A single
 * subscription (a device's own topic, point to point) needs no map.
 */
function recipientsOf(subs: readonly ClientSubscription[], message: Message): Recipient[] {
  if (subs.length === 1) {
    const only = recipientOf(subs[0] as ClientSubscription, message);
    return only === undefined ? [] : [only];
  }
  const byClient = new Map<Connection, Recipient>();
  for (const sub of subs) {
    const r = recipientOf(sub, message);
    if (r === undefined) continue;
    const seen = byClient.get(r.conn);
    if (seen === undefined) {
      byClient.set(r.conn, r);
      continue;
    }
    if (r.qos > seen.qos) seen.qos = r.qos;
    if (r.retain) seen.retain = true;
    const subscriptionId = r.subscriptionIds?.[0];
    if (subscriptionId !== undefined && !seen.subscriptionIds?.includes(subscriptionId)) (seen.subscriptionIds ??= []).push(subscriptionId);
  }
  return [...byClient.values()];
}

/**
 * Delivers one message from the bus to the local subscriptions that matched
 * it. Each client gets it once, at the highest QoS granted among its matching
 * subscriptions [MQTT-3.3.4-2] (v5 overlapping subscriptions). The PUBLISH is
 * serialized once per (QoS, protocol version, retain flag) variant and the
 * same bytes go to every client of that variant; QoS 1 copies only to patch
 * the packet id. Nothing here awaits a socket: a slow reader drops QoS 0 and
 * queues QoS 1 (bounded) instead of stalling the others.
 */
export function fanOut(
  metrics: GatewayMetrics,
  message: Message,
  headers: BusHeaders | undefined,
  subs: readonly ClientSubscription[],
  /** The packet the message arrived in, when QoS 0 copies may be those bytes (same process only). */
  arrival?: ArrivalPacket,
  /** Set when delivering for a shared subscription group: tags QoS > 0 copies so they can be re-dispatched (SharedSubscriptions). */
  sharedGroup?: string,
): void {
  // only an expiring message needs the clock (the check below, and the interval it is sent with)
  const now = message.expiresAt === undefined ? message.createdAt : Date.now();
  const recipients = recipientsOf(subs, message);
  if (recipients.length === 0) return;
  // [MQTT-3.3.2-5] an expired message is not forwarded
  if (message.expiresAt !== undefined && message.expiresAt <= now) {
    metrics.dropped.inc(recipients.length);
    return;
  }

  const parent = tracingEnabled() ? extractHeaders(headers) : undefined;
  const span = parent ? tracer().startSpan('mqtt deliver', { kind: SpanKind.CONSUMER }, parent) : undefined;
  try {
    const forwardsTraceparent = span !== undefined && message.properties?.userProperties?.some((p) => p[0] === 'traceparent') === true;
    const traceparent = forwardsTraceparent ? traceparentOf(contextWithSpan(span, parent)) : undefined;
    // one recipient needs no sharing of bytes
    const variants = recipients.length > 1 ? new Map<string, SerializedPublish>() : undefined;
    for (const r of recipients) {
      const conn = r.conn;
      try {
        const v5 = conn.protocolVersion === 5;
        const variant: PublishVariant = { qos: r.qos, retain: r.retain, protocolVersion: v5 ? 5 : 4, now };
        if (traceparent !== undefined) variant.traceparent = traceparent;
        if (r.subscriptionIds) variant.subscriptionIds = r.subscriptionIds;
        let bytes: SerializedPublish | undefined;
        if (variants === undefined) bytes = serializePublish(message, variant, arrival);
        else {
          // subscription identifiers are per client, so they are part of the variant (clients without them share bytes)
          const key = `${r.qos}${v5 ? 5 : 4}${r.retain ? 1 : 0}${r.subscriptionIds ? r.subscriptionIds.join(',') : ''}`;
          bytes = variants.get(key);
          if (bytes === undefined) {
            bytes = serializePublish(message, variant, arrival);
            variants.set(key, bytes);
          }
        }
        sendTo(conn, metrics, message, r.qos, bytes, variant, sharedGroup);
      } catch {
        // one recipient's failure (a message mqtt-packet cannot encode, a broken socket) must not cost the others
        metrics.dropped.inc();
      }
    }
  } finally {
    span?.end();
  }
}

/**
 * The whole delivery of a QoS 0 message that arrived as `arrival` (no RETAIN,
 * properties or expiry: see ArrivalPacket) to subscriptions of distinct
 * clients, when each client takes that packet as it is: of the packet's
 * framing, without No Local [MQTT-3.8.3-3], a subscription identifier
 * [MQTT-3.3.4-3] or topic aliases, and no trace to carry on. The message is
 * then never decoded or serialized; false, having sent nothing, otherwise
 * (fanOut delivers it). Each client gets the packet at QoS 0, whatever it was
 * granted [MQTT-3.8.4-8], subject to its Maximum Packet Size [MQTT-3.1.2-24].
 */
export function forwardArrival(metrics: GatewayMetrics, arrival: ArrivalPacket, headers: BusHeaders | undefined, subs: readonly ClientSubscription[]): boolean {
  if (headers !== undefined && tracingEnabled()) return false;
  for (let i = 0; i < subs.length; i++) {
    const sub = subs[i] as ClientSubscription;
    const conn = sub.connection;
    if (sub.noLocal || sub.subscriptionId !== undefined || conn.topicAliasesOut !== undefined) return false;
    if (framingOf(conn.protocolVersion) !== arrival.framing) return false;
  }
  const bytes = arrival.bytes;
  for (let i = 0; i < subs.length; i++) {
    const conn = (subs[i] as ClientSubscription).connection;
    if (!conn.acceptsMessages) continue;
    if (bytes.length <= conn.maxOutgoingPacketSize && conn.writeIfWritable(bytes)) metrics.delivered.inc();
    else metrics.dropped.inc();
  }
  return true;
}

/** [MQTT-3.3.1-8] a retained message sent because of a new subscription has RETAIN set, at min(message QoS, granted QoS). */
export function sendRetained(conn: Connection, metrics: GatewayMetrics, message: Message, granted: QoS, subscriptionId?: number): void {
  const now = Date.now();
  // [MQTT-3.3.2-5] an expired retained message is not sent
  if (message.expiresAt !== undefined && message.expiresAt <= now) return;
  const qos = (granted < message.qos ? granted : message.qos) as QoS;
  const variant: PublishVariant = { qos, retain: true, protocolVersion: conn.protocolVersion === 5 ? 5 : 4, now };
  // [MQTT-3.3.4-3] the identifier of the subscription that caused it
  if (subscriptionId !== undefined && conn.protocolVersion === 5) variant.subscriptionIds = [subscriptionId];
  sendTo(conn, metrics, message, qos, serializePublish(message, variant), variant);
}

function sendTo(
  conn: Connection,
  metrics: GatewayMetrics,
  message: Message,
  qos: QoS,
  bytes: SerializedPublish,
  variant: PublishVariant,
  sharedGroup?: string,
): void {
  if (qos === 0 && conn.topicAliasesOut !== undefined) return sendAliased(conn, conn.topicAliasesOut, metrics, message, variant);
  // [MQTT-3.1.2-24] never send a packet larger than the client's Maximum Packet Size; [MQTT-3.1.2-25] it is discarded as if delivered
  if (bytes.bytes.length > conn.maxOutgoingPacketSize) {
    metrics.dropped.inc();
    return;
  }
  if (qos === 0) {
    // a reader too slow for it loses a QoS 0 message rather than making the broker hold it
    if (conn.writeIfWritable(bytes.bytes)) metrics.delivered.inc();
    else metrics.dropped.inc();
    return;
  }
  const publish: OutboundPublish = { bytes: bytes.bytes, packetIdOffset: bytes.packetIdOffset, messageId: message.id, topic: message.topic, qos, message };
  if (sharedGroup !== undefined) publish.sharedGroup = sharedGroup;
  conn.outbound.enqueue(publish);
}

/**
 * A QoS 0 PUBLISH to a client that accepts Topic Aliases, serialized for this
 * connection alone (the alias is per connection). Only QoS 0 uses aliases:
 * it is written at once, so the order in which mappings are set is the order
 * the client reads them, whereas a QoS 1 PUBLISH may wait in the outbound
 * queue while later packets overtake it; those carry the full topic and no
 * alias, which leaves the client's mappings untouched.
 */
function sendAliased(conn: Connection, aliases: OutboundTopicAliases, metrics: GatewayMetrics, message: Message, variant: PublishVariant): void {
  if (!conn.takesQos0()) {
    metrics.dropped.inc();
    return;
  }
  const { alias, known } = aliases.assign(message.topic);
  const out = serializePublish(message, { ...variant, topicAlias: alias, aliasKnown: known });
  // [MQTT-3.1.2-24] [MQTT-3.1.2-25] too large for the client: dropped, and a mapping it never got is forgotten
  if (out.bytes.length > conn.maxOutgoingPacketSize) {
    if (!known) aliases.forget(message.topic);
    metrics.dropped.inc();
    return;
  }
  conn.writeBytes(out.bytes);
  metrics.delivered.inc();
}
