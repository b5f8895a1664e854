import type { AuthAllowFields, AuthDenyReason, AuthExchangeRequest, OpenSessionRequest, SessionSubscription } from '@mqp/contracts';
import { newId, type ProtocolVersion } from '@mqp/model';
import { connackCodeFor, ReasonCode, validateTopicName } from '@mqp/protocol';
import type { IAuthPacket, IConnackPacket, IConnectPacket } from 'mqtt-packet';
import type { Connection } from '../connection';
import { withDeadline } from '../deadline';
import { releaseSession, restoreSession } from '../session-restore';
import { LIMITS, type GatewayContext } from '../gateway-context';
import { OutboundTopicAliases } from '../topic-alias';
import { reasonText, sendWithReasonString } from '../reason-string';
import { willForSession } from '../will-message';

/** What the steps of one CONNECT share. */
interface ConnectFlow {
  ctx: GatewayContext;
  conn: Connection;
  packet: IConnectPacket;
  /** Set when the server chose the client id [MQTT-3.2.2-16]. */
  assignedClientId?: string;
  sessionPresent: boolean;
  /** The resumed session's subscriptions (with sessionPresent). */
  subscriptions?: SessionSubscription[];
  /** Set when the server cap lowered the Session Expiry Interval the client asked for (v5 CONNACK tells it). */
  cappedExpiry?: number;
  /** Enhanced authentication: the Authentication Data of the last step (SCRAM server-final), sent in the CONNACK. */
  authData?: Buffer;
}

/** A step answers false when it has answered the client itself (refused) and the flow must stop. */
type ConnectStep = (flow: ConnectFlow) => Promise<boolean> | boolean;

/**
 * CONNECT is an ordered list of named steps (aedes `connectActions`). Each
 * refusal sends its CONNACK and closes; nothing after a refusal runs.
 */
const connectSteps: readonly ConnectStep[] = [
  limitConnectRate,
  validateConnect,
  assignClientId,
  authenticate,
  openSession,
  resumeSession,
  sendConnack,
  releaseHeldMessages,
  announceConnected,
];
/** Where a CONNECT parked by an enhanced-authentication exchange resumes once the exchange allows. */
const AFTER_AUTHENTICATE = connectSteps.indexOf(authenticate) + 1;

// Not async: the steps' promise is returned as is, without a second promise and await per CONNECT (issue 6).
export function handleConnect(ctx: GatewayContext, conn: Connection, packet: IConnectPacket): Promise<void> {
  conn.state = 'connecting';
  conn.protocolVersion = (packet.protocolVersion ?? 4) as ProtocolVersion;
  const flow: ConnectFlow = { ctx, conn, packet, sessionPresent: false };
  return runConnectSteps(flow, 0);
}

/**
 * Runs the steps from `from` on; an enhanced-authentication exchange resumes the CONNECT after `authenticate` with it.
 * Only a step's promise is awaited: most steps answer at once, and an await of each would cost a promise and a
 * turn per step and CONNECT (issue 6). A step that throws rejects the flow, as before.
 */
async function runConnectSteps(flow: ConnectFlow, from: number): Promise<void> {
  for (let i = from; i < connectSteps.length; i++) {
    if (flow.conn.isClosed) return;
    const next = connectSteps[i]!(flow);
    if (!(typeof next === 'boolean' ? next : await next)) return;
  }
}

function refuse(flow: ConnectFlow, v5Code: number, reason: string): false {
  const { conn } = flow;
  const code = connackCodeFor(conn.protocolVersion, v5Code);
  // [MQTT-3.2.2-6] a CONNACK with a non-zero code has Session Present 0, and [MQTT-3.2.2-7] the server closes
  const props = flow.packet.properties;
  // v5: says why in a Reason String, read from the CONNECT itself as a refusal may come before validateConnect [MQTT-3.1.2-29] [MQTT-3.2.2-19]
  sendWithReasonString(conn, { cmd: 'connack', sessionPresent: false, returnCode: code, reasonCode: code }, reasonText(reason), {
    problemInformation: props?.requestProblemInformation !== false,
    maxPacketSize: props?.maximumPacketSize ?? Number.POSITIVE_INFINITY,
  });
  conn.closeReason = reason;
  conn.end();
  return false;
}

/** `gateway.maxConnectRate` per listener: MQTT 5 CONNACK 0x9F Connection rate exceeded (v3.1.1: 3 server unavailable). */
function limitConnectRate(flow: ConnectFlow): boolean {
  const { ctx, conn, packet } = flow;
  if (ctx.takeConnect(conn.transport)) return true;
  ctx.logger.warn('connection refused', { clientId: packet.clientId, remoteAddress: conn.remoteAddress, transport: conn.transport, reason: 'connection_rate_exceeded' });
  return refuse(flow, ReasonCode.ConnectionRateExceeded, 'connection_rate_exceeded');
}

function validateConnect(flow: ConnectFlow): boolean {
  const { packet, conn } = flow;
  // [MQTT-1.5.4-2] a UTF-8 string must not contain U+0000
  if (packet.clientId.includes('\u0000')) return refuse(flow, ReasonCode.ClientIdentifierNotValid, 'client_id_invalid');
  if (packet.will) {
    // [MQTT-3.1.2-9] the will topic is a topic name like any PUBLISH topic
    if (validateTopicName(packet.will.topic) !== undefined) return refuse(flow, ReasonCode.TopicNameInvalid, 'will_topic_invalid');
    conn.will = packet.will;
  }
  const props = packet.properties;
  // MQTT 5.0 §4.12: an Authentication Method starts enhanced authentication (the `authenticate` step runs the exchange)
  if (props?.authenticationMethod !== undefined) conn.authMethod = props.authenticationMethod;
  if (props?.receiveMaximum !== undefined) conn.outbound.limitWindow(props.receiveMaximum);
  if (props?.maximumPacketSize !== undefined) conn.maxOutgoingPacketSize = props.maximumPacketSize;
  // [MQTT-3.3.2-10] [MQTT-3.3.2-11] we may send at most the client's Topic Alias Maximum; 0 or absent: none
  if (props?.topicAliasMaximum !== undefined && props.topicAliasMaximum > 0) conn.topicAliasesOut = new OutboundTopicAliases(props.topicAliasMaximum);
  // [MQTT-3.1.2-29] Request Problem Information 0: no Reason String or User Properties except on PUBLISH, CONNACK, DISCONNECT
  if (props?.requestProblemInformation === false) conn.problemInformation = false;
  conn.cleanStart = packet.clean !== false;
  conn.username = packet.username;
  return true;
}

/** MQTT 3.1 allowed client ids of 1 to 23 characters; 3.1.1 and 5 lifted the upper bound for servers that accept more. */
const MQTT31_MAX_CLIENT_ID = 23;

function assignClientId(flow: ConnectFlow): boolean {
  const { packet, conn } = flow;
  // MQTT 3.1 §3.1 (CONNECT payload): a client id of more than 23 characters is answered with return code 2 (identifier rejected)
  if (conn.protocolVersion === 3 && packet.clientId.length > MQTT31_MAX_CLIENT_ID) {
    return refuse(flow, ReasonCode.ClientIdentifierNotValid, 'client_id_too_long');
  }
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
  ['unavailable', ReasonCode.ServerUnavailable],
  ['bad_auth_method', ReasonCode.BadAuthenticationMethod],
]);

async function authenticate(flow: ConnectFlow): Promise<boolean> {
  const { ctx, conn, packet } = flow;
  if (conn.authMethod !== undefined) return authenticateEnhanced(flow, packet.properties?.authenticationData);
  try {
    const req: Parameters<typeof ctx.auth.authenticate>[0] = {
      clientId: conn.clientId,
      remoteAddress: conn.remoteAddress,
      protocolVersion: conn.protocolVersion,
    };
    if (packet.username !== undefined) req.username = packet.username;
    if (packet.password !== undefined) req.password = packet.password;
    if (conn.clientCertificate) req.certificate = conn.clientCertificate;
    const result = await withDeadline(ctx.auth.authenticate(req), ctx.config.serviceTimeoutMs, 'auth');
    if (result.decision === 'allow') return applyAllow(flow, result);
    return refuse(flow, DENY_CODES.get(result.reason) ?? ReasonCode.NotAuthorized, `auth_${result.reason}`);
  } catch (err) {
    // HOSTILE-INPUTS "Auth service unreachable: fail closed, never open" [HiveMQ CE #72]
    ctx.logger.warn('authentication failed: refusing the client', { clientId: conn.clientId, error: err });
    return refuse(flow, ReasonCode.ServerUnavailable, 'auth_unavailable');
  }
}

function applyAllow(flow: ConnectFlow, result: AuthAllowFields): true {
  const { conn } = flow;
  // The auth service keeps nothing per connection: these go back with every authorize.
  conn.superuser = result.superuser;
  conn.connectionAcl = result.acl;
  // the certificate's (or SCRAM's) identity replaces what CONNECT said (auth.x509.usernameFrom / clientIdFrom)
  if (result.username !== undefined) conn.username = result.username;
  if (result.clientId !== undefined && result.clientId !== conn.clientId) {
    conn.clientId = result.clientId;
    // a v5 client learns the id its session has (MQTT 5.0 §3.2.2.3.7)
    if (conn.protocolVersion === 5) flow.assignedClientId = result.clientId;
  }
  if (result.expiresAt !== undefined) conn.expireAt(result.expiresAt);
  return true;
}

/**
 * One step of MQTT 5 enhanced authentication before the CONNACK (MQTT 5.0
 * §4.12): `data` is the CONNECT's Authentication Data, then that of each AUTH
 * the client answers with. `continue` sends AUTH 0x18 and parks the CONNECT
 * until the client's AUTH (dispatcher → handleAuth → conn.authContinuation);
 * the CONNECT timeout, still running, bounds the whole exchange.
 */
async function authenticateEnhanced(flow: ConnectFlow, data: Buffer | undefined, state?: Buffer): Promise<boolean> {
  const { ctx, conn, packet } = flow;
  const method = conn.authMethod as string;
  const exchange = ctx.auth.authenticateExchange?.bind(ctx.auth);
  // [MQTT-4.12.0-1] a method the server does not support: CONNACK 0x8C Bad authentication method, and close
  if (!exchange) return refuse(flow, ReasonCode.BadAuthenticationMethod, 'auth_bad_auth_method');
  try {
    const req: AuthExchangeRequest = { method, clientId: conn.clientId, remoteAddress: conn.remoteAddress, protocolVersion: conn.protocolVersion };
    if (data !== undefined) req.data = data;
    if (state !== undefined) req.state = state;
    if (packet.username !== undefined) req.username = packet.username;
    if (conn.clientCertificate) req.certificate = conn.clientCertificate;
    const result = await withDeadline(exchange(req), ctx.config.serviceTimeoutMs, 'auth');
    if (conn.isClosed) return false;
    if (result.outcome === 'continue') {
      // [MQTT-4.12.0-2] more is needed: AUTH 0x18 Continue authentication, [MQTT-4.12.0-5] with the CONNECT's method
      conn.send({ cmd: 'auth', reasonCode: ReasonCode.ContinueAuthentication, properties: { authenticationMethod: method, authenticationData: result.data } });
      const next = result.state;
      conn.authContinuation = async (auth: IAuthPacket) => {
        if (await authenticateEnhanced(flow, auth.properties?.authenticationData, next)) await runConnectSteps(flow, AFTER_AUTHENTICATE);
      };
      return false;
    }
    if (result.outcome === 'deny') {
      // [MQTT-4.12.0-4] the server rejects: CONNACK >= 0x80 and close
      return refuse(flow, DENY_CODES.get(result.reason) ?? ReasonCode.NotAuthorized, `auth_${result.reason}`);
    }
    if (result.data !== undefined) flow.authData = result.data;
    return applyAllow(flow, result);
  } catch (err) {
    // fail closed, as for authenticate
    ctx.logger.warn('enhanced authentication failed: refusing the client', { clientId: conn.clientId, error: err });
    return refuse(flow, ReasonCode.ServerUnavailable, 'auth_unavailable');
  }
}

async function openSession(flow: ConnectFlow): Promise<boolean> {
  const { ctx, conn, packet } = flow;
  // v3.1.1 CleanSession 0 keeps the session with no end; the session service applies its cap
  const asked = conn.protocolVersion === 5 ? (packet.properties?.sessionExpiryInterval ?? 0) : conn.cleanStart ? 0 : 0xffffffff;
  // the server caps the interval (0xFFFFFFFF "never" included); a v5 client is told in CONNACK (MQTT 5.0 §3.2.2.3.2)
  const expiry = Math.min(asked, ctx.maxSessionExpiry);
  if (expiry < asked && conn.protocolVersion === 5) flow.cappedExpiry = expiry;
  conn.sessionExpiry = expiry;
  try {
    const req: OpenSessionRequest = {
      clientId: conn.clientId,
      gatewayId: ctx.gatewayId,
      connectionId: conn.id,
      protocolVersion: conn.protocolVersion,
      cleanStart: conn.cleanStart,
      sessionExpiryInterval: expiry,
      gatewayStartedAt: ctx.startedAt,
    };
    // published by the session service only if this gateway dies with the connection [MQTT-3.1.2-8]
    // (most CONNECTs have no will: no call and await for them)
    const will = conn.will ? await willForSession(ctx, conn) : undefined;
    if (will) req.will = will;
    const result = await withDeadline(
      ctx.session.open(req),
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
    if (flow.sessionPresent && result.subscriptions) flow.subscriptions = result.subscriptions;
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
      // Maximum QoS is left out, which means 2: every QoS is supported (MQTT 5.0 §3.2.2.3.4)
      retainAvailable: true,
      wildcardSubscriptionAvailable: true,
      subscriptionIdentifiersAvailable: true,
      sharedSubscriptionAvailable: true,
      maximumPacketSize: ctx.config.maxPacketSize,
      receiveMaximum: LIMITS.receiveMaximum,
      // MQTT 5.0 §3.2.2.3.8: inbound aliases accepted per connection (0 = none; HOSTILE-INPUTS.md default 10)
      topicAliasMaximum: ctx.config.topicAliasMaximum,
    };
    if (flow.assignedClientId !== undefined) connack.properties.assignedClientIdentifier = flow.assignedClientId;
    // [MQTT-4.12.0-5] a successful CONNACK after enhanced authentication carries the CONNECT's method (and the last data)
    if (conn.authMethod !== undefined) connack.properties.authenticationMethod = conn.authMethod;
    if (flow.authData !== undefined) connack.properties.authenticationData = flow.authData;
    if (flow.cappedExpiry !== undefined) connack.properties.sessionExpiryInterval = flow.cappedExpiry;
    // MQTT 5.0 §3.1.2.11.6: Request Response Information 1 may be answered with Response Information, the basis of response topics
    if (packet.properties?.requestResponseInformation === true) connack.properties.responseInformation = `mqp/response/${conn.clientId}`;
  }
  let keepAlive = packet.keepalive ?? 0;
  const maxKeepAlive = ctx.config.maxKeepAlive;
  if (conn.protocolVersion === 5 && maxKeepAlive > 0 && (keepAlive === 0 || keepAlive > maxKeepAlive)) {
    // [MQTT-3.2.2-21] the client uses the Server Keep Alive we return instead of its own (v3.1.1 cannot be told, so keeps its own)
    keepAlive = maxKeepAlive;
    (connack.properties ??= {}).serverKeepAlive = keepAlive;
  }
  conn.send(connack);
  conn.accepted(keepAlive);
  return true;
}

/**
 * [MQTT-3.2.2-3] Session Present 1: the session's subscriptions and undelivered messages continue on this connection.
 * Without a session to resume it answers at once (no promise), like the synchronous steps.
 */
function resumeSession(flow: ConnectFlow): Promise<boolean> | boolean {
  if (!flow.sessionPresent) return !flow.conn.isClosed;
  return restoreSession(flow.ctx, flow.conn, flow.subscriptions ?? []).then(() => !flow.conn.isClosed);
}

function releaseHeldMessages(flow: ConnectFlow): boolean {
  releaseSession(flow.conn);
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
