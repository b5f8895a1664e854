import type { IPubackPacket } from 'mqtt-packet';
import type { Connection } from '../connection';
import type { GatewayContext } from '../gateway-context';

export function handlePuback(ctx: GatewayContext, conn: Connection, packet: IPubackPacket): void {
  const id = packet.messageId ?? 0;
  // An unknown id is not fatal: it can be a late PUBACK for a message already given up on
  // a PUBACK for a QoS 2 flow is not how that flow ends: treated like an unknown id
  if (conn.outbound.flowQoS(id) !== 1 || !conn.outbound.acknowledge(id)) ctx.logger.debug('PUBACK for an unknown packet id', { clientId: conn.clientId, packetId: id });
}
