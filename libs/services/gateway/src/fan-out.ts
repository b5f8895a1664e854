import type { BusHeaders } from '@mqp/bus';
import type { Message, QoS } from '@mqp/model';
import { contextWithSpan, extractHeaders, SpanKind, traceparentOf, tracer } from '@mqp/telemetry';
import type { ClientSubscription, Connection } from './connection';
import type { GatewayMetrics } from './gateway.metrics';
import { serializePublish, type PublishVariant, type SerializedPublish } from './publish-codec';

interface Recipient {
  qos: QoS;
  retain: boolean;
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
export function fanOut(metrics: GatewayMetrics, message: Message, headers: BusHeaders | undefined, subs: readonly ClientSubscription[]): void {
  const now = Date.now();
  const recipients = new Map<Connection, Recipient>();
  for (const sub of subs) {
    const conn = sub.connection;
    if (!conn.connected) continue;
    // [MQTT-3.8.3-3] No Local: not back to the client id that published it
    if (sub.noLocal && conn.clientId === message.origin.clientId) continue;
    const qos = (sub.qos < message.qos ? sub.qos : message.qos) as QoS;
    // [MQTT-3.3.1-12] Retain As Published keeps the flag on live delivery; otherwise [MQTT-3.3.1-13] it is cleared (v3.1.1: [MQTT-3.3.1-9])
    const retain = message.retain && sub.retainAsPublished && conn.protocolVersion === 5;
    const seen = recipients.get(conn);
    if (seen === undefined) recipients.set(conn, { qos, retain });
    else {
      if (qos > seen.qos) seen.qos = qos;
      if (retain) seen.retain = true;
    }
  }
  if (recipients.size === 0) return;
  // [MQTT-3.3.2-5] an expired message is not forwarded
  if (message.expiresAt !== undefined && message.expiresAt <= now) {
    metrics.dropped.inc(recipients.size);
    return;
  }

  const parent = extractHeaders(headers);
  const span = tracer().startSpan('mqtt deliver', { kind: SpanKind.CONSUMER }, parent);
  try {
    const forwardsTraceparent = message.properties?.userProperties?.some((p) => p[0] === 'traceparent') === true;
    const traceparent = forwardsTraceparent ? traceparentOf(contextWithSpan(span, parent)) : undefined;
    const variants = new Map<string, SerializedPublish>();
    for (const [conn, r] of recipients) {
      try {
        const v5 = conn.protocolVersion === 5;
        const key = `${r.qos}${v5 ? 5 : 4}${r.retain ? 1 : 0}`;
        let bytes = variants.get(key);
        if (bytes === undefined) {
          const variant: PublishVariant = { qos: r.qos, retain: r.retain, protocolVersion: v5 ? 5 : 4, now };
          if (traceparent !== undefined) variant.traceparent = traceparent;
          bytes = serializePublish(message, variant);
          variants.set(key, bytes);
        }
        sendTo(conn, metrics, message, r.qos, bytes);
      } catch {
        // one recipient's failure (a message mqtt-packet cannot encode, a broken socket) must not cost the others
        metrics.dropped.inc();
      }
    }
  } finally {
    span.end();
  }
}

/** [MQTT-3.3.1-8] a retained message sent because of a new subscription has RETAIN set, at min(message QoS, granted QoS). */
export function sendRetained(conn: Connection, metrics: GatewayMetrics, message: Message, granted: QoS): void {
  const now = Date.now();
  if (message.expiresAt !== undefined && message.expiresAt <= now) return;
  const qos = (granted < message.qos ? granted : message.qos) as QoS;
  const bytes = serializePublish(message, { qos, retain: true, protocolVersion: conn.protocolVersion === 5 ? 5 : 4, now });
  sendTo(conn, metrics, message, qos, bytes);
}

function sendTo(conn: Connection, metrics: GatewayMetrics, message: Message, qos: QoS, bytes: SerializedPublish): void {
  // [MQTT-3.1.2-24] never send a packet larger than the client's Maximum Packet Size; [MQTT-3.1.2-25] it is discarded as if delivered
  if (bytes.bytes.length > conn.maxOutgoingPacketSize) {
    metrics.dropped.inc();
    return;
  }
  if (qos === 0) {
    if (conn.writable()) {
      conn.writeBytes(bytes.bytes);
      metrics.delivered.inc();
    } else {
      metrics.dropped.inc();
    }
    return;
  }
  conn.outbound.enqueue({ bytes: bytes.bytes, packetIdOffset: bytes.packetIdOffset, messageId: message.id, topic: message.topic });
}
