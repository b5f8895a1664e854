import type { AclAction, ProtocolVersion } from '@mqp/model';

/** Why a CONNECT was refused; the gateway maps this to a CONNACK reason code per protocol version. */
export type AuthDenyReason = 'bad_credentials' | 'not_authorized' | 'banned';

export interface AuthenticateRequest {
  clientId: string;
  username?: string;
  password?: Buffer;
  remoteAddress: string;
  protocolVersion: ProtocolVersion;
}

export type AuthenticateResult =
  | { decision: 'allow'; superuser: boolean }
  | { decision: 'deny'; reason: AuthDenyReason };

export interface AuthorizeRequest {
  clientId: string;
  username?: string;
  action: AclAction;
  /** A topic name for publish, a topic filter for subscribe. */
  topic: string;
}

export interface AuthorizeResult {
  allow: boolean;
}

/** mqp.auth.v1.Auth: who may connect, and what each client may publish and subscribe. */
export interface AuthApi {
  authenticate(req: AuthenticateRequest): Promise<AuthenticateResult>;
  authorize(req: AuthorizeRequest): Promise<AuthorizeResult>;
}
