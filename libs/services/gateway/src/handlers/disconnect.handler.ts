import { ReasonCode } from '@mqp/protocol';
import type { IDisconnectPacket } from 'mqtt-packet';
import type { Connection } from '../connection';

/** `maxExpiry`: the server cap on the Session Expiry Interval. */
export function handleDisconnect(conn: Connection, packet: IDisconnectPacket, maxExpiry: number): void {
  // [MQTT-3.14.4-3] a DISCONNECT discards the will, except v5 0x04 Disconnect with Will Message (MQTT 5.0 §3.14.2.1)
  conn.discardWill = !(conn.protocolVersion === 5 && packet.reasonCode === ReasonCode.DisconnectWithWillMessage);
  conn.closeReason = 'normal';
  const expiry = conn.protocolVersion === 5 ? packet.properties?.sessionExpiryInterval : undefined;
  if (expiry !== undefined) {
    // [MQTT-3.14.2-2] a session that was to end with the connection (interval 0) cannot be given an expiry at DISCONNECT: protocol error
    if (conn.sessionExpiry === 0 && expiry > 0) {
      conn.discardWill = false;
      return conn.disconnect(ReasonCode.ProtocolError, 'session_expiry_from_zero');
    }
    conn.sessionExpiry = Math.min(expiry, maxExpiry);
    conn.sessionExpiryChanged = true;
  }
  // [MQTT-3.14.4-1] the client closes after DISCONNECT; the server closes too rather than wait for it
  conn.end();
}
