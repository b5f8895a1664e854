import type { AuthDenyReason } from '@mqp/contracts';
import { newId, type ProtocolVersion } from '@mqp/model';
import { connackCodeFor, ReasonCode, validateTopicName } from '@mqp/protocol';
import type { IConnackPacket, IConnectPacket } from 'mqtt-packet';
import type { Connection } from '../connection';
import { withDeadline } from '../deadline';
import { LIMITS, type GatewayContext } from '../gateway-context';

/** What the steps of one CONNECT share. */
interface ConnectFlow {
  ctx: GatewayContext;
  conn: Connection;
  packet: IConnectPacket;
  /** Set when the server chose the client id [MQTT-3.2.2-16]. */
  assignedClientId?: string;
  sessionPresent: boolean;
}

/** A step answers false when it has answered the client itself (refused) and the flow must stop. */
type ConnectStep = (flow: ConnectFlow) => Promise<boolean> | boolean;

/**
 * CONNECT is an ordered list of named steps (aedes `connectActions`). Each
 * refusal sends its CONNACK and closes; nothing after a refusal runs.
 */
const connectSteps: readonly ConnectStep[] = [
  validateConnect,
  assignClientId,
  authenticate,
  openSession,
  sendConnack,
  announceConnected,
];

export async function handleConnect(ctx: GatewayContext, conn: Connection, packet: IConnectPacket): Promise<void> {
  conn.state = 'connecting';
  conn.protocolVersion = (packet.protocolVersion ?? 4) as ProtocolVersion;
  const flow: ConnectFlow = { ctx, conn, packet, sessionPresent: false };
  for (const step of connectSteps) {
    if (conn.isClosed) return;
    if (!(await step(flow))) return;
  }
}

function refuse(flow: ConnectFlow, v5Code: number, reason: string): false {
  const { conn } = flow;
  const code = connackCodeFor(conn.protocolVersion, v5Code);
  // [MQTT-3.2.2-6] a CONNACK with a non-zero code has Session Present 0, and [MQTT-3.2.2-7] the server closes
  conn.send({ cmd: 'connack', sessionPresent: false, returnCode: code, reasonCode: code });
  conn.closeReason = reason;
  conn.end();
  return false;
}

function validateConnect(flow: ConnectFlow): boolean {
  const { packet, conn } = flow;
  // [MQTT-1.5.4-2] a UTF-8 string must not contain U+0000
  if (packet.clientId.includes('\u0000')) return refuse(flow, ReasonCode.ClientIdentifierNotValid, 'client_id_invalid');
  if (packet.will) {
    // [MQTT-3.1.2-9] the will topic is a topic name like any PUBLISH topic
    if (validateTopicName(packet.will.topic) !== undefined) return refuse(flow, ReasonCode.TopicNameInvalid, 'will_topic_invalid');
    // a will above our Maximum QoS (1) is refused with 0x9B (MQTT 5.0 §3.2.2.3.4)
    if ((packet.will.qos ?? 0) > 1) return refuse(flow, ReasonCode.QoSNotSupported, 'will_qos_not_supported');
    conn.will = packet.will;
  }
  const props = packet.properties;
  if (props?.authenticationMethod !== undefined) {
    // enhanced authentication (AUTH exchange) is not implemented [MQTT-4.12.0-1]
    return refuse(flow, ReasonCode.BadAuthenticationMethod, 'auth_method_not_supported');
  }
  if (props?.receiveMaximum !== undefined) conn.outbound.limitWindow(props.receiveMaximum);
  if (props?.maximumPacketSize !== undefined) conn.maxOutgoingPacketSize = props.maximumPacketSize;
  conn.cleanStart = packet.clean !== false;
  conn.username = packet.username;
  return true;
}

function assignClientId(flow: ConnectFlow): boolean {
  const { packet, conn } = flow;
  if (packet.clientId.length > 0) {
    conn.clientId = packet.clientId;
    return true;
  }
  // [MQTT-3.1.3-8] v3.1.1: an empty client id with CleanSession 0 is refused with return code 2
  // (MQTT 3.1 requires a client id of 1 to 23 characters, so it is refused there too)
  if (conn.protocolVersion === 3 || (conn.protocolVersion === 4 && !conn.cleanStart)) {
    return refuse(flow, ReasonCode.ClientIdentifierNotValid, 'client_id_required');
  }
  // [MQTT-3.1.3-6] assign a unique client id; v5 returns it in the CONNACK [MQTT-3.2.2-16]
  conn.clientId = `mqp-${newId()}`;
  flow.assignedClientId = conn.clientId;
  return true;
}

const DENY_CODES: ReadonlyMap<AuthDenyReason, number> = new Map([
  ['bad_credentials', ReasonCode.BadUserNameOrPassword],
  ['not_authorized', ReasonCode.NotAuthorized],
  ['banned', ReasonCode.Banned],
]);

async function authenticate(flow: ConnectFlow): Promise<boolean> {
  const { ctx, conn, packet } = flow;
  try {
    const req: Parameters<typeof ctx.auth.authenticate>[0] = {
      clientId: conn.clientId,
      remoteAddress: conn.remoteAddress,
      protocolVersion: conn.protocolVersion,
    };
    if (packet.username !== undefined) req.username = packet.username;
    if (packet.password !== undefined) req.password = packet.password;
    const result = await withDeadline(ctx.auth.authenticate(req), ctx.config.serviceTimeoutMs, 'auth');
    if (result.decision === 'allow') return true;
    return refuse(flow, DENY_CODES.get(result.reason) ?? ReasonCode.NotAuthorized, `auth_${result.reason}`);
  } catch (err) {
    // HOSTILE-INPUTS "Auth service unreachable: fail closed, never open" [HiveMQ CE #72]
    ctx.logger.warn('authentication failed: refusing the client', { clientId: conn.clientId, error: err });
    return refuse(flow, ReasonCode.ServerUnavailable, 'auth_unavailable');
  }
}

async function openSession(flow: ConnectFlow): Promise<boolean> {
  const { ctx, conn, packet } = flow;
  // v3.1.1 CleanSession 0 keeps the session with no end; the session service applies its cap
  const expiry = conn.protocolVersion === 5 ? (packet.properties?.sessionExpiryInterval ?? 0) : conn.cleanStart ? 0 : 0xffffffff;
  try {
    const result = await withDeadline(
      ctx.session.open({
        clientId: conn.clientId,
        gatewayId: ctx.gatewayId,
        connectionId: conn.id,
        protocolVersion: conn.protocolVersion,
        cleanStart: conn.cleanStart,
        sessionExpiryInterval: expiry,
      }),
      ctx.config.serviceTimeoutMs,
      'session',
    );
    if (conn.isClosed) {
      // the client left while the session opened: release it now, the close hook has already run
      ctx.session.close({ clientId: conn.clientId, connectionId: conn.id }).catch((err: unknown) => {
        ctx.logger.warn('session close failed', { clientId: conn.clientId, error: err });
      });
      return false;
    }
    conn.sessionOpened = true;
    // [MQTT-3.2.2-2] with Clean Start 1 the Session Present flag is 0
    flow.sessionPresent = !conn.cleanStart && result.sessionPresent;
    return true;
  } catch (err) {
    ctx.logger.warn('session open failed: refusing the client', { clientId: conn.clientId, error: err });
    return refuse(flow, ReasonCode.ServerUnavailable, 'session_unavailable');
  }
}

function sendConnack(flow: ConnectFlow): boolean {
  const { ctx, conn, packet } = flow;
  const connack: IConnackPacket = { cmd: 'connack', sessionPresent: flow.sessionPresent, returnCode: 0, reasonCode: 0 };
  if (conn.protocolVersion === 5) {
    connack.properties = {
      // QoS 2 is not implemented yet: [MQTT-3.2.2-9] advertise Maximum QoS 1
      maximumQoS: 1,
      retainAvailable: true,
      wildcardSubscriptionAvailable: true,
      subscriptionIdentifiersAvailable: false,
      sharedSubscriptionAvailable: false,
      maximumPacketSize: ctx.config.maxPacketSize,
      receiveMaximum: LIMITS.receiveMaximum,
      // Topic Alias Maximum is left out, which means 0: topic aliases are not accepted yet
    };
    if (flow.assignedClientId !== undefined) connack.properties.assignedClientIdentifier = flow.assignedClientId;
  }
  conn.send(connack);
  conn.accepted(packet.keepalive ?? 0);
  return true;
}

function announceConnected(flow: ConnectFlow): boolean {
  const { ctx, conn } = flow;
  ctx.events.emit({
    name: 'client.connected',
    timestamp: Date.now(),
    clientId: conn.clientId,
    username: conn.username,
    gatewayId: ctx.gatewayId,
    remoteAddress: conn.remoteAddress,
    protocolVersion: conn.protocolVersion,
    keepAlive: conn.keepAlive,
    cleanStart: conn.cleanStart,
  });
  return true;
}
