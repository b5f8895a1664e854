import type { Client } from '@grpc/grpc-js';
import { GrpcClient, type GrpcClientOptions, type ServiceHandlers } from '@mqp/grpc';
import { InvalidArgumentError, MqpError, type AclAction } from '@mqp/model';
import type { AuthApi, AuthDenyReason, AuthenticateRequest, AuthenticateResult, AuthorizeRequest, AuthorizeResult } from '../auth.api';
import type { AclAction as ProtoAclAction, AclAction__Output as ProtoAclActionOutput } from '../generated/mqp/auth/v1/AclAction';
import type { AuthDefinition } from '../generated/mqp/auth/v1/Auth';
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

  async authorize(req: AuthorizeRequest): Promise<AuthorizeResult> {
    const res = await this.client.unary(authServiceDefinition.Authorize, authorizeRequestToProto(req), { idempotent: true });
    return { allow: res.allow };
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
    Authorize: async (req) => ({ allow: (await impl.authorize(authorizeRequestFromProto(req))).allow }),
  };
}

const DENY_REASONS: ReadonlyArray<readonly [AuthDenyReason, ProtoDenyReasonOutput]> = [
  ['bad_credentials', 'DENY_REASON_BAD_CREDENTIALS'],
  ['not_authorized', 'DENY_REASON_NOT_AUTHORIZED'],
  ['banned', 'DENY_REASON_BANNED'],
];
const ACL_ACTIONS: ReadonlyArray<readonly [AclAction, ProtoAclActionOutput]> = [
  ['publish', 'ACL_ACTION_PUBLISH'],
  ['subscribe', 'ACL_ACTION_SUBSCRIBE'],
];

export function authenticateRequestToProto(req: AuthenticateRequest): ProtoAuthenticateRequest {
  const out: ProtoAuthenticateRequest = { clientId: req.clientId, remoteAddress: req.remoteAddress, protocolVersion: req.protocolVersion };
  if (req.username !== undefined) out.username = req.username;
  if (req.password !== undefined) out.password = req.password;
  return out;
}

export function authenticateRequestFromProto(proto: ProtoAuthenticateRequestOutput): AuthenticateRequest {
  const req: AuthenticateRequest = { clientId: proto.clientId, remoteAddress: proto.remoteAddress, protocolVersion: protocolVersionFromWire(proto.protocolVersion) };
  if (proto.username !== undefined) req.username = proto.username;
  if (proto.password !== undefined) req.password = proto.password;
  return req;
}

export function authenticateResultToProto(result: AuthenticateResult): ProtoAuthenticateResponse {
  if (result.decision === 'allow') return { allow: { superuser: result.superuser } };
  const reason: ProtoDenyReason = DENY_REASONS.find(([r]) => r === result.reason)?.[1] ?? 'DENY_REASON_NOT_AUTHORIZED';
  return { deny: { reason } };
}

/** Anything but a well-formed allow is a deny, and a response with no decision at all is an error: auth fails closed. */
export function authenticateResultFromProto(proto: ProtoAuthenticateResponseOutput): AuthenticateResult {
  if (proto.decision === 'allow' && proto.allow) return { decision: 'allow', superuser: proto.allow.superuser };
  if (proto.decision === 'deny' && proto.deny) {
    const reason = proto.deny.reason;
    return { decision: 'deny', reason: DENY_REASONS.find(([, p]) => p === reason)?.[0] ?? 'not_authorized' };
  }
  throw new MqpError('INTERNAL', 'mqp.auth.v1.Auth/Authenticate answered without a decision');
}

export function authorizeRequestToProto(req: AuthorizeRequest): ProtoAuthorizeRequest {
  const action: ProtoAclAction = ACL_ACTIONS.find(([a]) => a === req.action)?.[1] ?? 'ACL_ACTION_UNSPECIFIED';
  const out: ProtoAuthorizeRequest = { clientId: req.clientId, action, topic: req.topic };
  if (req.username !== undefined) out.username = req.username;
  return out;
}

export function authorizeRequestFromProto(proto: ProtoAuthorizeRequestOutput): AuthorizeRequest {
  const action = ACL_ACTIONS.find(([, p]) => p === proto.action)?.[0];
  if (action === undefined) throw new InvalidArgumentError(`unknown ACL action ${String(proto.action)}`);
  const req: AuthorizeRequest = { clientId: proto.clientId, action, topic: proto.topic };
  if (proto.username !== undefined) req.username = proto.username;
  return req;
}
