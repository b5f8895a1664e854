import type { AuthExchangeRequest } from '@mqp/contracts';
import { ReasonCode } from '@mqp/protocol';
import type { IAuthPacket } from 'mqtt-packet';
import type { Connection } from '../connection';
import { withDeadline } from '../deadline';
import type { GatewayContext } from '../gateway-context';

/**
 * AUTH from the client (MQTT 5.0 §3.15, §4.12): the next step of the
 * exchange the CONNECT started, or a re-authentication after the CONNACK.
 */
export async function handleAuth(ctx: GatewayContext, conn: Connection, packet: IAuthPacket): Promise<void> {
  // [MQTT-4.12.0-7] a client whose CONNECT had no Authentication Method must not send AUTH: protocol error
  if (conn.authMethod === undefined) return conn.disconnect(ReasonCode.ProtocolError, 'unexpected_auth');
  // [MQTT-4.12.0-5] [MQTT-4.12.1-1] every AUTH names the CONNECT's method. Before the CONNACK another one is refused
  // with CONNACK 0x8C, "does not match the authentication method currently in use" (MQTT 5.0 §3.2.2.2); after it,
  // 0x8C is no DISCONNECT reason code (§3.14.2.1), so it is a protocol error, 0x82
  if (packet.properties?.authenticationMethod !== conn.authMethod) {
    return abortExchange(conn, conn.connected ? ReasonCode.ProtocolError : ReasonCode.BadAuthenticationMethod, 'auth_method_mismatch');
  }
  const reasonCode = packet.reasonCode ?? ReasonCode.Success;
  const continuation = conn.authContinuation;
  // [MQTT-4.12.0-3] the client answers the server's AUTH with AUTH 0x18
  if (reasonCode === ReasonCode.ContinueAuthentication && continuation) {
    conn.authContinuation = undefined;
    return continuation(packet);
  }
  // [MQTT-4.12.1-1] after the CONNACK the client may start a re-authentication with AUTH 0x19
  if (reasonCode === ReasonCode.ReAuthenticate && conn.connected && !continuation) return reauthenticate(ctx, conn, packet.properties?.authenticationData);
  // Anything else: 0x00 from a client, 0x18 nobody asked for, 0x19 before the CONNACK or during another exchange
  return abortExchange(conn, ReasonCode.ProtocolError, 'unexpected_auth');
}

/**
 * Ends a connection whose exchange went wrong. Before the CONNACK the server
 * may not send DISCONNECT [MQTT-3.14.0-1] but may reject the authentication at
 * any point with a CONNACK of 0x80 or above [MQTT-4.12.0-4]; after it, DISCONNECT.
 */
export function abortExchange(conn: Connection, reasonCode: number, reason: string): void {
  conn.authContinuation = undefined;
  if (conn.connected || conn.isClosed) return conn.disconnect(reasonCode, reason);
  conn.send({ cmd: 'connack', sessionPresent: false, returnCode: reasonCode, reasonCode });
  conn.closeReason = reason;
  conn.end();
}

/**
 * MQTT 5.0 §4.12.1 re-authentication: the same exchange as at CONNECT, ended
 * by AUTH 0x00 Success instead of a CONNACK. Other packets go on flowing
 * meanwhile. The identity may not change: a success for another username is a
 * failure. A failure disconnects [MQTT-4.12.1-2] with 0x87 Not authorized.
 */
async function reauthenticate(ctx: GatewayContext, conn: Connection, data: Buffer | undefined, state?: Buffer): Promise<void> {
  const method = conn.authMethod as string;
  const exchange = ctx.auth.authenticateExchange?.bind(ctx.auth);
  if (!exchange) return conn.disconnect(ReasonCode.NotAuthorized, 'reauth_not_offered');
  const req: AuthExchangeRequest = { method, clientId: conn.clientId, remoteAddress: conn.remoteAddress, protocolVersion: conn.protocolVersion };
  if (data !== undefined) req.data = data;
  if (state !== undefined) req.state = state;
  if (conn.username !== undefined) req.username = conn.username;
  if (conn.clientCertificate) req.certificate = conn.clientCertificate;
  let result: Awaited<ReturnType<typeof exchange>>;
  try {
    result = await withDeadline(exchange(req), ctx.config.serviceTimeoutMs, 'auth');
  } catch (err) {
    // fail closed: a re-authentication that cannot be checked has failed (0x89 Server busy: try again later)
    ctx.logger.warn('re-authentication failed: disconnecting the client', { clientId: conn.clientId, error: err });
    return conn.disconnect(ReasonCode.ServerBusy, 'reauth_unavailable');
  }
  if (conn.isClosed) return;
  if (result.outcome === 'continue') {
    conn.send({ cmd: 'auth', reasonCode: ReasonCode.ContinueAuthentication, properties: { authenticationMethod: method, authenticationData: result.data } });
    const next = result.state;
    conn.authContinuation = (auth) => reauthenticate(ctx, conn, auth.properties?.authenticationData, next);
    return;
  }
  if (result.outcome === 'deny') {
    // DISCONNECT has no 0x86/0x8A/0x8C: every refusal is 0x87 Not authorized (the log has the reason)
    return conn.disconnect(ReasonCode.NotAuthorized, `reauth_${result.reason}`);
  }
  if ((result.username ?? conn.username) !== conn.username || (result.clientId ?? conn.clientId) !== conn.clientId) {
    return conn.disconnect(ReasonCode.NotAuthorized, 'reauth_identity_changed');
  }
  conn.superuser = result.superuser;
  conn.connectionAcl = result.acl;
  // the rights may have changed with the new credentials
  conn.forgetAuthorizations();
  if (result.expiresAt !== undefined) conn.expireAt(result.expiresAt);
  const properties: NonNullable<IAuthPacket['properties']> = { authenticationMethod: method };
  if (result.data !== undefined) properties.authenticationData = result.data;
  // MQTT 5.0 §4.12.1: a successful re-authentication is answered with AUTH 0x00 Success
  conn.send({ cmd: 'auth', reasonCode: ReasonCode.Success, properties });
}
