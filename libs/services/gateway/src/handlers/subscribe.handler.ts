import type { SessionSubscription } from '@mqp/contracts';
import type { QoS } from '@mqp/model';
import { parseSharedFilter, ReasonCode, SUBACK_FAILURE_V3, validateTopicFilter } from '@mqp/protocol';
import type { ISubscribePacket, ISubscription } from 'mqtt-packet';
import type { ClientSubscription, Connection } from '../connection';
import { withDeadline } from '../deadline';
import { sendRetained } from '../fan-out';
import type { GatewayContext } from '../gateway-context';
import { authorizeRequest } from '../authorize-request';
import { sessionSubscriptionsOf } from '../session-restore';
import { reportRoutes } from '../route-report';
import { sendWithReasonString } from '../reason-string';

/** Highest QoS this gateway grants: all of them. */
const MAX_QOS: QoS = 2;

export async function handleSubscribe(ctx: GatewayContext, conn: Connection, packet: ISubscribePacket): Promise<void> {
  const subscriptionId = packet.properties?.subscriptionIdentifier;
  // MQTT 5.0 §3.8.2.1.2: a Subscription Identifier is 1..268,435,455; 0 is a Protocol Error
  if (subscriptionId !== undefined && (typeof subscriptionId !== 'number' || subscriptionId < 1 || subscriptionId > 268_435_455)) {
    return conn.disconnect(ReasonCode.ProtocolError, 'subscription_identifier_invalid');
  }
  for (const request of packet.subscriptions) {
    // [MQTT-3.8.3-4] No Local on a shared subscription is a Protocol Error
    if (conn.protocolVersion === 5 && request.nl === true && parseSharedFilter(request.topic) !== undefined) {
      return conn.disconnect(ReasonCode.ProtocolError, 'no_local_on_shared_subscription');
    }
  }
  const v5 = conn.protocolVersion === 5;
  const codes: number[] = [];
  const granted = new Set<string>();
  const before = new Set(conn.subscriptions.keys());
  const retainedFor: ClientSubscription[] = [];
  for (const request of packet.subscriptions) {
    const code = await subscribeOne(ctx, conn, request, retainedFor, subscriptionId);
    if (conn.isClosed) return;
    if (code === ReasonCode.NotAuthorized && ctx.config.denyAction === 'disconnect') return conn.disconnect(ReasonCode.NotAuthorized, 'subscribe_not_authorized');
    if (code <= MAX_QOS) granted.add(request.topic);
    codes.push(v5 || code <= MAX_QOS ? code : SUBACK_FAILURE_V3);
  }
  if (conn.sessionExpiry > 0) {
    // a persistent session's subscriptions are stored before the SUBACK, so a broker killed right after it still has them
    await persistSubscriptions(ctx, conn, sessionSubscriptionsOf([...granted].flatMap((f) => conn.subscriptions.get(f) ?? [])));
    if (conn.isClosed) return;
  }
  // [MQTT-3.8.4-1] answer with a SUBACK of the same packet id, [MQTT-3.8.4-6] one code per filter in order
  // v5: the failures say why in the Reason String, unless the client's limits forbid it [MQTT-3.9.2-1] [MQTT-3.1.2-29]
  sendWithReasonString(conn, { cmd: 'suback', messageId: packet.messageId, granted: codes }, v5 ? subackReasonString(codes) : undefined);

  // a route counts subscriptions, so a replaced subscription [MQTT-3.8.4-3] is not counted again
  const added = [...granted].filter((f) => !before.has(f));
  reportRoutes(ctx, 'add', added, conn.clientId);
  for (const filter of granted) {
    ctx.events.emit({
      name: 'session.subscribed',
      timestamp: Date.now(),
      clientId: conn.clientId,
      username: conn.username,
      gatewayId: ctx.gatewayId,
      filter,
      qos: conn.subscriptions.get(filter)?.qos ?? 0,
    });
  }
  for (const sub of retainedFor) await deliverRetained(ctx, conn, sub);
}

const SUBACK_FAILURE_TEXT: ReadonlyMap<number, string> = new Map([
  [ReasonCode.TopicFilterInvalid, 'topic filter invalid'],
  [ReasonCode.NotAuthorized, 'not authorized'],
  [ReasonCode.UnspecifiedError, 'subscription failed'],
]);

/** One Reason String for the whole SUBACK: "filter 2: not authorized; filter 3: topic filter invalid", or none if all succeeded. */
export function subackReasonString(codes: readonly number[]): string | undefined {
  const parts: string[] = [];
  codes.forEach((code, i) => {
    if (code >= 0x80) parts.push(`filter ${i + 1}: ${SUBACK_FAILURE_TEXT.get(code) ?? 'refused'}`);
  });
  return parts.length === 0 ? undefined : parts.join('; ');
}

/**
 * Never throws. A failure keeps the SUBACK's success codes: the subscription
 * works live (it is in the local table), only its durability across a broker
 * crash failed, and the normal hand-over on close still stores it; refusing
 * it with 0x80 would drop a subscription that does work.
 */
async function persistSubscriptions(ctx: GatewayContext, conn: Connection, subscriptions: SessionSubscription[]): Promise<void> {
  if (subscriptions.length === 0) return;
  try {
    await withDeadline(ctx.session.subscribe({ clientId: conn.clientId, connectionId: conn.id, subscriptions }), ctx.config.serviceTimeoutMs, 'session');
  } catch (err) {
    ctx.logger.warn('subscriptions not stored: they work, but a broker crash before the client disconnects loses them', {
      clientId: conn.clientId,
      filters: subscriptions.map((s) => s.filter),
      error: err,
    });
  }
}

/** Returns the granted QoS, or a v5 failure reason code (mapped to 0x80 for v3.1.1 by the caller). */
async function subscribeOne(
  ctx: GatewayContext,
  conn: Connection,
  request: ISubscription,
  retainedFor: ClientSubscription[],
  subscriptionId: number | undefined,
): Promise<number> {
  const filter = request.topic;
  // [MQTT-3.8.3-1] [MQTT-4.7.1-1] an invalid filter is refused for that entry only
  if (validateTopicFilter(filter) !== undefined) return ReasonCode.TopicFilterInvalid;
  // `$share/{group}/{filter}` and `$queue/{filter}` (validated above: `$share//a`, `$share/g`, `$share/+/a` got 0x8F)
  const share = parseSharedFilter(filter);
  // a shared subscription is authorized for the topic filter it shares, as EMQX does
  if (!(await maySubscribe(ctx, conn, share?.filter ?? filter))) return ReasonCode.NotAuthorized;
  if (conn.isClosed) return ReasonCode.UnspecifiedError;

  // every QoS is supported, so the granted QoS is the one requested
  const qos = (request.qos > MAX_QOS ? MAX_QOS : request.qos) as QoS;
  const existed = conn.subscriptions.has(filter);
  const sub: ClientSubscription = {
    filter,
    qos,
    noLocal: conn.protocolVersion === 5 && request.nl === true,
    retainAsPublished: conn.protocolVersion === 5 && request.rap === true,
    connection: conn,
  };
  if (subscriptionId !== undefined && conn.protocolVersion === 5) sub.subscriptionId = subscriptionId;
  if (share !== undefined) sub.share = share;
  // [MQTT-3.8.4-3] the same filter again replaces the existing subscription
  conn.subscriptions.set(filter, sub);
  await ctx.subscriptions.add(sub);
  if (conn.isClosed) {
    // the close hook already ran over conn.subscriptions; take this one back out of the table ourselves
    ctx.subscriptions.remove(conn, filter);
    return ReasonCode.UnspecifiedError;
  }
  // Retain Handling: 0 send retained, 1 only if the subscription is new, 2 never [MQTT-3.3.1-9..11]; v3.1.1 always sends
  const rh = conn.protocolVersion === 5 ? (request.rh ?? 0) : 0;
  // MQTT 5.0 §4.8.2: retained messages are not sent for a shared subscription
  if (share === undefined && (rh === 0 || (rh === 1 && !existed))) retainedFor.push(sub);
  return qos;
}

async function maySubscribe(ctx: GatewayContext, conn: Connection, filter: string): Promise<boolean> {
  try {
    const req = authorizeRequest(conn, 'subscribe', filter);
    return (await withDeadline(ctx.auth.authorize(req), ctx.config.serviceTimeoutMs, 'auth')).allow;
  } catch (err) {
    // fail closed
    ctx.logger.warn('authorization failed: denying subscribe', { clientId: conn.clientId, filter, error: err });
    return false;
  }
}

async function deliverRetained(ctx: GatewayContext, conn: Connection, sub: ClientSubscription): Promise<void> {
  try {
    const messages = await withDeadline(ctx.router.matchRetained({ filter: sub.filter }), ctx.config.serviceTimeoutMs, 'router');
    for (const message of messages) {
      if (conn.isClosed) return;
      // [MQTT-3.8.3-3] No Local also covers retained messages the client itself published
      if (sub.noLocal && message.origin.clientId === conn.clientId) continue;
      sendRetained(conn, ctx.metrics, message, sub.qos, sub.subscriptionId);
    }
  } catch (err) {
    ctx.logger.warn('retained messages not delivered', { clientId: conn.clientId, filter: sub.filter, error: err });
  }
}
