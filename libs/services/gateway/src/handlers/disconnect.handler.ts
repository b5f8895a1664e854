import { ReasonCode } from '@mqp/protocol';
import type { IDisconnectPacket } from 'mqtt-packet';
import type { Connection } from '../connection';

export function handleDisconnect(conn: Connection, packet: IDisconnectPacket): void {
  // [MQTT-3.14.4-3] a DISCONNECT discards the will, except v5 0x04 Disconnect with Will Message (MQTT 5.0 §3.14.2.1)
  conn.discardWill = !(conn.protocolVersion === 5 && packet.reasonCode === ReasonCode.DisconnectWithWillMessage);
  conn.closeReason = 'normal';
  // TODO(issue 3): v5 DISCONNECT may change the Session Expiry Interval; pass it to SessionApi.close
  // [MQTT-3.14.4-1] the client closes after DISCONNECT; the server closes too rather than wait for it
  conn.end();
}
