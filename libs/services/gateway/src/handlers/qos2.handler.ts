import { ReasonCode } from '@mqp/protocol';
import type { IPubcompPacket, IPubrecPacket, IPubrelPacket } from 'mqtt-packet';
import type { Connection } from '../connection';
import type { GatewayContext } from '../gateway-context';
import { sendWithReasonString } from '../reason-string';
import { forgetExpiredAwaitingRel } from './publish.handler';

/**
 * The QoS 2 acknowledgements: PUBREL from a publishing client (inbound flow),
 * PUBREC and PUBCOMP from a receiving client (outbound flow).
 */

const UNKNOWN_ID = 'packet identifier not found';

/** [MQTT-4.3.3-11] (v3.1.1 [MQTT-4.3.3-2]) PUBREL is answered with PUBCOMP of the same packet id; the id is then free again. */
export function handlePubrel(conn: Connection, packet: IPubrelPacket): void {
  const id = packet.messageId ?? 0;
  forgetExpiredAwaitingRel(conn, Date.now());
  const known = conn.awaitingRel.delete(id);
  // MQTT 5.0 §3.7.2.1: an id we hold no state for is answered 0x92 Packet Identifier not found
  if (conn.protocolVersion === 5 && known) conn.send({ cmd: 'pubcomp', messageId: id, reasonCode: ReasonCode.Success });
  // [MQTT-3.7.2-2] the Reason String is dropped if it would exceed the client's Maximum Packet Size
  else if (conn.protocolVersion === 5) sendWithReasonString(conn, { cmd: 'pubcomp', messageId: id, reasonCode: ReasonCode.PacketIdentifierNotFound }, UNKNOWN_ID);
  else conn.send({ cmd: 'pubcomp', messageId: id });
}

export function handlePubrec(ctx: GatewayContext, conn: Connection, packet: IPubrecPacket): void {
  const id = packet.messageId ?? 0;
  if (conn.protocolVersion === 5 && (packet.reasonCode ?? 0) >= 0x80) {
    // MQTT 5.0 §4.3.3: a PUBREC with a failure reason ends the flow; no PUBREL is sent
    conn.outbound.acknowledge(id);
    return;
  }
  if (conn.outbound.received(id) === 'release') {
    // [MQTT-4.3.3-4] (v3.1.1 [MQTT-4.3.3-1]) answer PUBREC with PUBREL of the same packet id
    conn.send({ cmd: 'pubrel', messageId: id });
    return;
  }
  ctx.logger.debug('PUBREC for an unknown packet id', { clientId: conn.clientId, packetId: id });
  // MQTT 5.0 §3.6.2.1: PUBREL 0x92 Packet Identifier not found; v3.1.1 has no reason code, so a plain PUBREL lets the client finish
  // [MQTT-3.6.2-2] the Reason String is dropped if it would exceed the client's Maximum Packet Size
  if (conn.protocolVersion === 5) sendWithReasonString(conn, { cmd: 'pubrel', messageId: id, reasonCode: ReasonCode.PacketIdentifierNotFound }, UNKNOWN_ID);
  else conn.send({ cmd: 'pubrel', messageId: id });
}

export function handlePubcomp(ctx: GatewayContext, conn: Connection, packet: IPubcompPacket): void {
  const id = packet.messageId ?? 0;
  // [MQTT-4.3.3-5] the flow ends at PUBCOMP; a late or unknown one is harmless
  if (!conn.outbound.complete(id)) ctx.logger.debug('PUBCOMP for an unknown packet id', { clientId: conn.clientId, packetId: id });
}
