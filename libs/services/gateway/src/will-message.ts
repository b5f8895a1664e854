import type { SessionWill } from '@mqp/contracts';
import { newId, type Message } from '@mqp/model';
import type { Connection } from './connection';
import type { GatewayContext } from './gateway-context';
import { userPropertiesToList } from './publish-codec';
import { mayPublish } from './publish-pipeline';

/** The connection's will as a message, if the client may publish to its topic (fail closed). */
export async function willMessage(ctx: GatewayContext, conn: Connection): Promise<Message | undefined> {
  const will = conn.will;
  if (!will) return undefined;
  if (!(await mayPublish(ctx, conn, will.topic))) return undefined;
  const now = Date.now();
  const message: Message = {
    id: newId(),
    topic: will.topic,
    payload: Buffer.isBuffer(will.payload) ? will.payload : Buffer.from(will.payload),
    qos: will.qos ?? 0,
    retain: will.retain === true,
    origin: { clientId: conn.clientId, gatewayId: ctx.gatewayId },
    createdAt: now,
  };
  const p = will.properties;
  if (conn.protocolVersion === 5 && p) {
    message.properties = {};
    if (p.payloadFormatIndicator !== undefined) message.properties.payloadFormatIndicator = p.payloadFormatIndicator;
    if (p.contentType !== undefined) message.properties.contentType = p.contentType;
    if (p.responseTopic !== undefined) message.properties.responseTopic = p.responseTopic;
    if (p.correlationData !== undefined) message.properties.correlationData = p.correlationData;
    const user = userPropertiesToList(p.userProperties);
    if (user) message.properties.userProperties = user;
    if (p.messageExpiryInterval !== undefined) {
      message.properties.messageExpiryInterval = p.messageExpiryInterval;
      message.expiresAt = now + p.messageExpiryInterval * 1000;
    }
  }
  return message;
}

/** MQTT 5.0 §3.1.3.2.2 Will Delay Interval, seconds (v3 has none). */
export function willDelayOf(conn: Connection): number {
  return conn.protocolVersion === 5 ? (conn.will?.properties?.willDelayInterval ?? 0) : 0;
}

/**
 * The will handed to the session service at CONNECT, which publishes it only
 * if this gateway dies with the connection (it hears no more heartbeats):
 * the gateway still publishes or discards it itself on every close it sees.
 * Undefined without a will, or one the client may not publish (fail closed).
 */
export async function willForSession(ctx: GatewayContext, conn: Connection): Promise<SessionWill | undefined> {
  if (!conn.will) return undefined;
  const message = await willMessage(ctx, conn);
  return message ? { message, delaySeconds: willDelayOf(conn) } : undefined;
}
