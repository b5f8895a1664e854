import type { SessionMessage, SessionSubscription } from '@mqp/contracts';
import type { ClientSubscription, Connection } from './connection';
import { withDeadline } from './deadline';
import type { GatewayContext } from './gateway-context';
import type { InflightEntry, OutboundPublish } from './outbound-queue';
import { serializePublish } from './publish-codec';
import { authorizeRequest } from './authorize-request';
import { parseSharedFilter } from '@mqp/protocol';
import { reportRoutes } from './route-report';

/**
 * Resumes a persistent session on a new connection, before its CONNACK with
 * Session Present 1, so that no message published between the CONNACK and
 * the subscriptions going live is missed: its subscriptions go back into the
 * local table without retained replay, then the session service stops
 * capturing and hands over what it held. The outbound queue is left held:
 * the connect flow releases it (`releaseSession`) once the CONNACK is out. Old messages go first — inflight ones resent with DUP=1 and
 * their packet ids [MQTT-4.4.0-1] — and live ones that arrived meanwhile wait
 * behind them (per-client order), duplicates removed by message id.
 * Never throws: a failure leaves the connection with what could be restored.
 */
export async function restoreSession(ctx: GatewayContext, conn: Connection, subscriptions: readonly SessionSubscription[]): Promise<void> {
  conn.restoring = true;
  conn.outbound.hold();
  try {
    const added: string[] = [];
    for (const s of subscriptions) {
      // rights may have been revoked while the session was offline: a filter no longer allowed is not restored (fail closed)
      if (!(await mayKeep(ctx, conn, s.filter))) continue;
      if (conn.isClosed) return;
      const sub: ClientSubscription = { filter: s.filter, qos: s.qos, noLocal: s.noLocal, retainAsPublished: s.retainAsPublished, connection: conn };
      if (s.subscriptionId !== undefined && conn.protocolVersion === 5) sub.subscriptionId = s.subscriptionId;
      conn.subscriptions.set(s.filter, sub);
      await ctx.subscriptions.add(sub);
      if (conn.isClosed) {
        // the close hook already ran over conn.subscriptions; take what it may have missed back out
        for (const f of [...added, s.filter]) ctx.subscriptions.remove(conn, f);
        return;
      }
      added.push(s.filter);
    }
    reportRoutes(ctx, 'add', added, conn.clientId);
    const held = await withDeadline(ctx.session.resume({ clientId: conn.clientId, connectionId: conn.id }), ctx.config.serviceTimeoutMs, 'session');
    if (conn.isClosed) return;
    const now = Date.now();
    for (const id of held.awaitingRel) conn.awaitingRel.set(id, now);
    const inflight: InflightEntry[] = [];
    for (const m of held.inflight) {
      if (m.packetId === undefined) continue;
      inflight.push({ packetId: m.packetId, publish: outboundOf(conn, m, now), released: m.released === true });
    }
    const queued = held.queued.filter((m) => m.qos > 0 && (m.message.expiresAt === undefined || m.message.expiresAt > now)).map((m) => outboundOf(conn, m, now));
    conn.outbound.restore(inflight, queued);
  } catch (err) {
    ctx.logger.warn('session not fully restored', { clientId: conn.clientId, error: err });
  }
}

/**
 * The subscriptions a persistent session keeps, with all their options.
 * Shared subscriptions are left out: their messages go to the other members
 * of the group while the client is away (MQTT 5.0 §4.8.2).
 */
export function sessionSubscriptionsOf(subs: Iterable<ClientSubscription>): SessionSubscription[] {
  const out: SessionSubscription[] = [];
  for (const s of subs) {
    if (s.share !== undefined) continue;
    const kept: SessionSubscription = { filter: s.filter, qos: s.qos, noLocal: s.noLocal, retainAsPublished: s.retainAsPublished };
    if (s.subscriptionId !== undefined) kept.subscriptionId = s.subscriptionId;
    out.push(kept);
  }
  return out;
}

/** After the CONNACK: what the session held goes out first, then what arrived while it was restored. */
export function releaseSession(conn: Connection): void {
  if (!conn.restoring) return;
  conn.restoring = false;
  conn.outbound.resume();
}

async function mayKeep(ctx: GatewayContext, conn: Connection, filter: string): Promise<boolean> {
  try {
    const req = authorizeRequest(conn, 'subscribe', parseSharedFilter(filter)?.filter ?? filter);
    const { allow } = await withDeadline(ctx.auth.authorize(req), ctx.config.serviceTimeoutMs, 'auth');
    if (!allow) ctx.logger.info('subscription not restored: no longer authorized', { clientId: conn.clientId, filter });
    return allow;
  } catch (err) {
    ctx.logger.warn('subscription not restored: authorization failed', { clientId: conn.clientId, filter, error: err });
    return false;
  }
}

function outboundOf(conn: Connection, m: SessionMessage, now: number): OutboundPublish {
  const qos = m.qos === 2 ? 2 : 1;
  const bytes = serializePublish(m.message, { qos, retain: false, protocolVersion: conn.protocolVersion === 5 ? 5 : 4, now });
  return { bytes: bytes.bytes, packetIdOffset: bytes.packetIdOffset, messageId: m.message.id, topic: m.message.topic, qos, message: m.message };
}
