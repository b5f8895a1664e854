import { ReasonCode } from '@mqp/protocol';
import type { IUnsubscribePacket } from 'mqtt-packet';
import type { Connection } from '../connection';
import { withDeadline } from '../deadline';
import type { GatewayContext } from '../gateway-context';
import { reportRoutes } from '../route-report';
import { sendWithReasonString } from '../reason-string';

export async function handleUnsubscribe(ctx: GatewayContext, conn: Connection, packet: IUnsubscribePacket): Promise<void> {
  const codes: number[] = [];
  const removed: string[] = [];
  // shared subscriptions are not part of the session (MQTT 5.0 §4.8.2): nothing of theirs is stored
  const fromSession: string[] = [];
  for (const filter of packet.unsubscriptions) {
    const existing = conn.subscriptions.get(filter);
    if (existing && conn.subscriptions.delete(filter)) {
      if (existing.share === undefined) fromSession.push(filter);
      // [MQTT-3.10.4-2] stop adding new messages for it at once
      ctx.subscriptions.remove(conn, filter);
      removed.push(filter);
      codes.push(ReasonCode.Success);
    } else {
      codes.push(ReasonCode.NoSubscriptionExisted);
    }
  }
  if (conn.sessionExpiry > 0 && fromSession.length > 0) {
    // removed from the stored session before the UNSUBACK, so a broker killed right after it does not bring them back
    try {
      await withDeadline(ctx.session.unsubscribe({ clientId: conn.clientId, connectionId: conn.id, filters: fromSession }), ctx.config.serviceTimeoutMs, 'session');
    } catch (err) {
      // the unsubscription holds live; only a crash before the client disconnects would restore the filters (the hand-over on close stores the rest)
      ctx.logger.warn('unsubscription not stored: a broker crash before the client disconnects brings the filters back', {
        clientId: conn.clientId,
        filters: fromSession,
        error: err,
      });
    }
    // no early return if the connection closed meanwhile: the close hook no longer sees these filters, their routes are removed below
  }
  // [MQTT-3.10.4-4] UNSUBACK with the same packet id, [MQTT-3.11.3-1] v5: one reason code per filter in order
  if (conn.protocolVersion === 5) {
    const missing = codes.flatMap((code, i) => (code === ReasonCode.NoSubscriptionExisted ? [i + 1] : []));
    // says which filters had no subscription, unless the client's limits forbid it [MQTT-3.11.2-1] [MQTT-3.1.2-29]
    const reasonString = missing.length === 0 ? undefined : `no subscription existed for filter ${missing.join(', ')}`;
    sendWithReasonString(conn, { cmd: 'unsuback', messageId: packet.messageId, granted: codes }, reasonString);
  }
  else conn.send({ cmd: 'unsuback', messageId: packet.messageId, granted: [] });

  if (removed.length === 0) return;
  reportRoutes(ctx, 'remove', removed, conn.clientId);
  for (const filter of removed) {
    ctx.events.emit({
      name: 'session.unsubscribed',
      timestamp: Date.now(),
      clientId: conn.clientId,
      username: conn.username,
      gatewayId: ctx.gatewayId,
      filter,
    });
  }
}
