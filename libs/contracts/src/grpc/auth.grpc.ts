import type { Client } from '@grpc/grpc-js';
import { GrpcClient, type GrpcClientOptions, type ServiceHandlers } from '@mqp/grpc';
import { InvalidArgumentError, MqpError, type AclAction } from '@mqp/model';
import type {
  AclRuleSpec,
  AuthApi,
  AuthDenyReason,
  AuthExchangeRequest,
  AuthExchangeResult,
  AuthenticateRequest,
  AuthenticateResult,
  AuthorizeRequest,
  AuthorizeResult,
  Ban,
  BanKind,
  ClientCertificate,
  ConnectionAclRule,
} from '../auth.api';
import type { AclAction as ProtoAclAction, AclAction__Output as ProtoAclActionOutput } from '../generated/mqp/auth/v1/AclAction';
import type { AclRule as ProtoAclRule, AclRule__Output as ProtoAclRuleOutput } from '../generated/mqp/auth/v1/AclRule';
import type { Ban as ProtoBan, Ban__Output as ProtoBanOutput } from '../generated/mqp/auth/v1/Ban';
import type { BanKind as ProtoBanKind, BanKind__Output as ProtoBanKindOutput } from '../generated/mqp/auth/v1/BanKind';
import type { AuthDefinition } from '../generated/mqp/auth/v1/Auth';
import type { ClientCertificate as ProtoClientCertificate, ClientCertificate__Output as ProtoClientCertificateOutput } from '../generated/mqp/auth/v1/ClientCertificate';
import type { AuthenticateExchangeRequest as ProtoExchangeRequest, AuthenticateExchangeRequest__Output as ProtoExchangeRequestOutput } from '../generated/mqp/auth/v1/AuthenticateExchangeRequest';
import type { AuthenticateExchangeResponse as ProtoExchangeResponse, AuthenticateExchangeResponse__Output as ProtoExchangeResponseOutput } from '../generated/mqp/auth/v1/AuthenticateExchangeResponse';
import type { AuthenticateRequest as ProtoAuthenticateRequest, AuthenticateRequest__Output as ProtoAuthenticateRequestOutput } from '../generated/mqp/auth/v1/AuthenticateRequest';
import type { AuthenticateResponse as ProtoAuthenticateResponse, AuthenticateResponse__Output as ProtoAuthenticateResponseOutput } from '../generated/mqp/auth/v1/AuthenticateResponse';
import type { AuthorizeRequest as ProtoAuthorizeRequest, AuthorizeRequest__Output as ProtoAuthorizeRequestOutput } from '../generated/mqp/auth/v1/AuthorizeRequest';
import type { DenyReason as ProtoDenyReason, DenyReason__Output as ProtoDenyReasonOutput } from '../generated/mqp/auth/v1/DenyReason';
import { authServiceDefinition } from './definitions';
import { protocolVersionFromWire } from './wire-values';

/** mqp.auth.v1.Auth over gRPC, for a process that does not run the auth service itself. */
export class AuthGrpcClient implements AuthApi {
  private readonly client: GrpcClient;

  /** `target`: `host:port`, or a channel shared with other clients (`createChannel`). */
  constructor(target: string | Client, options: GrpcClientOptions = {}) {
    this.client = new GrpcClient(target, options);
  }

  // Both calls only read: answering twice changes nothing, so they may retry.
  async authenticate(req: AuthenticateRequest): Promise<AuthenticateResult> {
    return authenticateResultFromProto(await this.client.unary(authServiceDefinition.Authenticate, authenticateRequestToProto(req), { idempotent: true }));
  }

  // A first step only makes a new nonce, a later one only checks: asking twice is harmless, so it may retry.
  async authenticateExchange(req: AuthExchangeRequest): Promise<AuthExchangeResult> {
    return exchangeResultFromProto(await this.client.unary(authServiceDefinition.AuthenticateExchange, exchangeRequestToProto(req), { idempotent: true }));
  }

  async authorize(req: AuthorizeRequest): Promise<AuthorizeResult> {
    const res = await this.client.unary(authServiceDefinition.Authorize, authorizeRequestToProto(req), { idempotent: true });
    return { allow: res.allow };
  }

  // Setting the same ban twice, or removing one twice, ends in the same state: they may retry too.
  async ban(ban: Ban): Promise<void> {
    await this.client.unary(authServiceDefinition.Ban, { ban: banToProto(ban) }, { idempotent: true });
  }

  async unban(req: { kind: BanKind; value: string }): Promise<{ removed: boolean }> {
    const res = await this.client.unary(authServiceDefinition.Unban, { kind: banKindToProto(req.kind), value: req.value }, { idempotent: true });
    return { removed: res.removed };
  }

  async listBans(): Promise<Ban[]> {
    const res = await this.client.unary(authServiceDefinition.ListBans, {}, { idempotent: true });
    return res.bans.map(banFromProto);
  }

  // Replacing with the same set twice ends in the same state.
  async replaceAcl(req: { rules: AclRuleSpec[] }): Promise<void> {
    await this.client.unary(authServiceDefinition.ReplaceAcl, { rules: req.rules.map(aclRuleSpecToProto) }, { idempotent: true });
  }

  /** Closes the channel if this client created it. */
  closeChannel(): void {
    this.client.close();
  }
}

/** Serves an AuthApi implementation: `server.addService(authServiceDefinition, authGrpcHandlers(auth))`. */
export function authGrpcHandlers(impl: AuthApi): ServiceHandlers<AuthDefinition> {
  return {
    Authenticate: async (req) => authenticateResultToProto(await impl.authenticate(authenticateRequestFromProto(req))),
    // A service without enhanced authentication denies every method, as the gateway would.
    AuthenticateExchange: async (req) =>
      exchangeResultToProto(impl.authenticateExchange ? await impl.authenticateExchange(exchangeRequestFromProto(req)) : { outcome: 'deny', reason: 'bad_auth_method' }),
    Authorize: async (req) => ({ allow: (await impl.authorize(authorizeRequestFromProto(req))).allow }),
    Ban: async (req) => {
      if (!req.ban) throw new InvalidArgumentError('ban is required');
      await impl.ban(banFromProto(req.ban));
      return {};
    },
    Unban: async (req) => impl.unban({ kind: banKindFromProto(req.kind), value: req.value }),
    ListBans: async () => ({ bans: (await impl.listBans()).map(banToProto) }),
    ReplaceAcl: async (req) => {
      await impl.replaceAcl({ rules: req.rules.map(aclRuleSpecFromProto) });
      return {};
    },
  };
}

const DENY_REASONS: ReadonlyArray<readonly [AuthDenyReason, ProtoDenyReasonOutput]> = [
  ['bad_credentials', 'DENY_REASON_BAD_CREDENTIALS'],
  ['not_authorized', 'DENY_REASON_NOT_AUTHORIZED'],
  ['banned', 'DENY_REASON_BANNED'],
  ['unavailable', 'DENY_REASON_UNAVAILABLE'],
  ['bad_auth_method', 'DENY_REASON_BAD_AUTH_METHOD'],
];
const ACL_ACTIONS: ReadonlyArray<readonly [AclAction, ProtoAclActionOutput]> = [
  ['publish', 'ACL_ACTION_PUBLISH'],
  ['subscribe', 'ACL_ACTION_SUBSCRIBE'],
];
const RULE_ACTIONS: ReadonlyArray<readonly [ConnectionAclRule['action'], ProtoAclActionOutput]> = [...ACL_ACTIONS, ['all', 'ACL_ACTION_ALL']];
const BAN_KINDS: ReadonlyArray<readonly [BanKind, ProtoBanKindOutput]> = [
  ['clientid', 'BAN_KIND_CLIENT_ID'],
  ['username', 'BAN_KIND_USERNAME'],
  ['ipaddr', 'BAN_KIND_IPADDR'],
];
const BAN_SOURCES: ReadonlySet<string> = new Set(['config', 'api', 'flapping']);

export function authenticateRequestToProto(req: AuthenticateRequest): ProtoAuthenticateRequest {
  const out: ProtoAuthenticateRequest = { clientId: req.clientId, remoteAddress: req.remoteAddress, protocolVersion: req.protocolVersion };
  if (req.username !== undefined) out.username = req.username;
  if (req.password !== undefined) out.password = req.password;
  if (req.certificate !== undefined) out.certificate = clientCertificateToProto(req.certificate);
  return out;
}

export function authenticateRequestFromProto(proto: ProtoAuthenticateRequestOutput): AuthenticateRequest {
  const req: AuthenticateRequest = { clientId: proto.clientId, remoteAddress: proto.remoteAddress, protocolVersion: protocolVersionFromWire(proto.protocolVersion) };
  if (proto.username !== undefined) req.username = proto.username;
  if (proto.password !== undefined) req.password = proto.password;
  if (proto.certificate) req.certificate = clientCertificateFromProto(proto.certificate);
  return req;
}

function clientCertificateToProto(cert: ClientCertificate): ProtoClientCertificate {
  const out: ProtoClientCertificate = { fingerprint256: cert.fingerprint256, subjectAltNames: cert.subjectAltNames ?? [] };
  if (cert.subjectCN !== undefined) out.subjectCn = cert.subjectCN;
  return out;
}

function clientCertificateFromProto(proto: ProtoClientCertificateOutput): ClientCertificate {
  const cert: ClientCertificate = { fingerprint256: proto.fingerprint256 };
  if (proto.subjectCn !== undefined) cert.subjectCN = proto.subjectCn;
  if (proto.subjectAltNames.length > 0) cert.subjectAltNames = proto.subjectAltNames;
  return cert;
}

export function authenticateResultToProto(result: AuthenticateResult): ProtoAuthenticateResponse {
  if (result.decision === 'allow') {
    const allow: NonNullable<ProtoAuthenticateResponse['allow']> = { superuser: result.superuser, acl: (result.acl ?? []).map(aclRuleToProto) };
    if (result.expiresAt !== undefined) allow.expiresAtMs = result.expiresAt;
    if (result.username !== undefined) allow.username = result.username;
    if (result.clientId !== undefined) allow.clientId = result.clientId;
    return { allow };
  }
  const reason: ProtoDenyReason = DENY_REASONS.find(([r]) => r === result.reason)?.[1] ?? 'DENY_REASON_NOT_AUTHORIZED';
  return { deny: { reason } };
}

/** Anything but a well-formed allow is a deny, and a response with no decision at all is an error: auth fails closed. */
export function authenticateResultFromProto(proto: ProtoAuthenticateResponseOutput): AuthenticateResult {
  if (proto.decision === 'allow' && proto.allow) {
    const result: AuthenticateResult = { decision: 'allow', superuser: proto.allow.superuser };
    if (proto.allow.expiresAtMs !== undefined) result.expiresAt = proto.allow.expiresAtMs;
    if (proto.allow.acl.length > 0) result.acl = proto.allow.acl.map(aclRuleFromProto);
    if (proto.allow.username !== undefined) result.username = proto.allow.username;
    if (proto.allow.clientId !== undefined) result.clientId = proto.allow.clientId;
    return result;
  }
  if (proto.decision === 'deny' && proto.deny) {
    const reason = proto.deny.reason;
    return { decision: 'deny', reason: DENY_REASONS.find(([, p]) => p === reason)?.[0] ?? 'not_authorized' };
  }
  throw new MqpError('INTERNAL', 'mqp.auth.v1.Auth/Authenticate answered without a decision');
}

export function exchangeRequestToProto(req: AuthExchangeRequest): ProtoExchangeRequest {
  const out: ProtoExchangeRequest = { method: req.method, clientId: req.clientId, remoteAddress: req.remoteAddress, protocolVersion: req.protocolVersion };
  if (req.data !== undefined) out.data = req.data;
  if (req.state !== undefined) out.state = req.state;
  if (req.username !== undefined) out.username = req.username;
  if (req.certificate !== undefined) out.certificate = clientCertificateToProto(req.certificate);
  return out;
}

export function exchangeRequestFromProto(proto: ProtoExchangeRequestOutput): AuthExchangeRequest {
  const req: AuthExchangeRequest = { method: proto.method, clientId: proto.clientId, remoteAddress: proto.remoteAddress, protocolVersion: protocolVersionFromWire(proto.protocolVersion) };
  if (proto.data !== undefined) req.data = proto.data;
  if (proto.state !== undefined) req.state = proto.state;
  if (proto.username !== undefined) req.username = proto.username;
  if (proto.certificate) req.certificate = clientCertificateFromProto(proto.certificate);
  return req;
}

export function exchangeResultToProto(result: AuthExchangeResult): ProtoExchangeResponse {
  if (result.outcome === 'continue') return { challenge: { data: result.data, state: result.state } };
  if (result.outcome === 'deny') return authenticateResultToProto({ decision: 'deny', reason: result.reason });
  const { outcome: _outcome, data, ...allow } = result;
  const out: ProtoExchangeResponse = authenticateResultToProto({ decision: 'allow', ...allow });
  if (data !== undefined) out.data = data;
  return out;
}

/** As authenticateResultFromProto: anything but a well-formed answer fails closed. */
export function exchangeResultFromProto(proto: ProtoExchangeResponseOutput): AuthExchangeResult {
  if (proto.outcome === 'challenge' && proto.challenge) return { outcome: 'continue', data: proto.challenge.data, state: proto.challenge.state };
  if ((proto.outcome === 'allow' && proto.allow) || (proto.outcome === 'deny' && proto.deny)) {
    const decided = authenticateResultFromProto({ decision: proto.outcome, allow: proto.allow ?? null, deny: proto.deny ?? null });
    if (decided.decision === 'deny') return { outcome: 'deny', reason: decided.reason };
    const { decision: _decision, ...allow } = decided;
    return proto.data !== undefined ? { outcome: 'allow', data: proto.data, ...allow } : { outcome: 'allow', ...allow };
  }
  throw new MqpError('INTERNAL', 'mqp.auth.v1.Auth/AuthenticateExchange answered without an outcome');
}

export function authorizeRequestToProto(req: AuthorizeRequest): ProtoAuthorizeRequest {
  const action: ProtoAclAction = ACL_ACTIONS.find(([a]) => a === req.action)?.[1] ?? 'ACL_ACTION_UNSPECIFIED';
  const out: ProtoAuthorizeRequest = { clientId: req.clientId, action, topic: req.topic, connectionAcl: (req.connectionAcl ?? []).map(aclRuleToProto) };
  if (req.username !== undefined) out.username = req.username;
  if (req.remoteAddress !== undefined) out.remoteAddress = req.remoteAddress;
  if (req.superuser !== undefined) out.superuser = req.superuser;
  if (req.certCN !== undefined) out.certCn = req.certCN;
  return out;
}

export function authorizeRequestFromProto(proto: ProtoAuthorizeRequestOutput): AuthorizeRequest {
  const action = ACL_ACTIONS.find(([, p]) => p === proto.action)?.[0];
  if (action === undefined) throw new InvalidArgumentError(`unknown ACL action ${String(proto.action)}`);
  const req: AuthorizeRequest = { clientId: proto.clientId, action, topic: proto.topic };
  if (proto.username !== undefined) req.username = proto.username;
  if (proto.remoteAddress !== undefined) req.remoteAddress = proto.remoteAddress;
  if (proto.superuser !== undefined) req.superuser = proto.superuser;
  if (proto.connectionAcl.length > 0) req.connectionAcl = proto.connectionAcl.map(aclRuleFromProto);
  if (proto.certCn !== undefined) req.certCN = proto.certCn;
  return req;
}

export function aclRuleToProto(rule: ConnectionAclRule): ProtoAclRule {
  return { allow: rule.permission === 'allow', action: RULE_ACTIONS.find(([a]) => a === rule.action)?.[1] ?? 'ACL_ACTION_UNSPECIFIED', topics: rule.topics };
}

/** A rule with an unknown action is refused, not widened to `all`. */
export function aclRuleFromProto(proto: ProtoAclRuleOutput): ConnectionAclRule {
  const action = RULE_ACTIONS.find(([, p]) => p === proto.action)?.[0];
  if (action === undefined) throw new InvalidArgumentError(`unknown ACL rule action ${String(proto.action)}`);
  return { permission: proto.allow ? 'allow' : 'deny', action, topics: proto.topics };
}

export function aclRuleSpecToProto(rule: AclRuleSpec): ProtoAclRule {
  const out = aclRuleToProto(rule);
  if (rule.username !== undefined) out.username = rule.username;
  if (rule.clientid !== undefined) out.clientid = rule.clientid;
  if (rule.ipaddr !== undefined) out.ipaddr = rule.ipaddr;
  return out;
}

export function aclRuleSpecFromProto(proto: ProtoAclRuleOutput): AclRuleSpec {
  const rule: AclRuleSpec = aclRuleFromProto(proto);
  if (proto.username !== undefined) rule.username = proto.username;
  if (proto.clientid !== undefined) rule.clientid = proto.clientid;
  if (proto.ipaddr !== undefined) rule.ipaddr = proto.ipaddr;
  return rule;
}

function banKindToProto(kind: BanKind): ProtoBanKind {
  return BAN_KINDS.find(([k]) => k === kind)?.[1] ?? 'BAN_KIND_UNSPECIFIED';
}

function banKindFromProto(kind: ProtoBanKindOutput): BanKind {
  const found = BAN_KINDS.find(([, p]) => p === kind)?.[0];
  if (found === undefined) throw new InvalidArgumentError(`unknown ban kind ${String(kind)}`);
  return found;
}

export function banToProto(ban: Ban): ProtoBan {
  const out: ProtoBan = { kind: banKindToProto(ban.kind), value: ban.value, reason: ban.reason ?? '', source: ban.source ?? '' };
  if (ban.until !== undefined) out.untilMs = ban.until;
  return out;
}

export function banFromProto(proto: ProtoBanOutput): Ban {
  const ban: Ban = { kind: banKindFromProto(proto.kind), value: proto.value };
  if (proto.untilMs !== undefined) ban.until = proto.untilMs;
  if (proto.reason !== '') ban.reason = proto.reason;
  if (BAN_SOURCES.has(proto.source)) ban.source = proto.source as NonNullable<Ban['source']>;
  return ban;
}
