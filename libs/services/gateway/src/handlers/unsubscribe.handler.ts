import { ReasonCode } from '@mqp/protocol';
import type { IUnsubscribePacket } from 'mqtt-packet';
import type { Connection } from '../connection';
import { withDeadline } from '../deadline';
import type { GatewayContext } from '../gateway-context';

export function handleUnsubscribe(ctx: GatewayContext, conn: Connection, packet: IUnsubscribePacket): void {
  const codes: number[] = [];
  const removed: string[] = [];
  for (const filter of packet.unsubscriptions) {
    if (conn.subscriptions.delete(filter)) {
      // [MQTT-3.10.4-2] stop adding new messages for it at once
      ctx.subscriptions.remove(conn, filter);
      removed.push(filter);
      codes.push(ReasonCode.Success);
    } else {
      codes.push(ReasonCode.NoSubscriptionExisted);
    }
  }
  // [MQTT-3.10.4-4] UNSUBACK with the same packet id, [MQTT-3.11.3-1] v5: one reason code per filter in order
  if (conn.protocolVersion === 5) conn.send({ cmd: 'unsuback', messageId: packet.messageId, granted: codes });
  else conn.send({ cmd: 'unsuback', messageId: packet.messageId, granted: [] });

  if (removed.length === 0) return;
  withDeadline(ctx.router.removeRoutes({ gatewayId: ctx.gatewayId, filters: removed }), ctx.config.serviceTimeoutMs, 'router').catch(
    (err: unknown) => ctx.logger.warn('removeRoutes failed', { clientId: conn.clientId, error: err }),
  );
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
