import type { AclAction, ProtocolVersion } from '@mqp/model';

/**
 * Why a CONNECT was refused; the gateway maps this to a CONNACK reason code
 * per protocol version. `unavailable`: a backend the decision needs (HTTP
 * callout, JWKS) did not answer, so the client is refused (fail closed) with
 * "server unavailable". `bad_auth_method`: an enhanced-authentication method
 * the service does not offer (MQTT 5 CONNACK 0x8C).
 */
export type AuthDenyReason = 'bad_credentials' | 'not_authorized' | 'banned' | 'unavailable' | 'bad_auth_method';

export interface AuthenticateRequest {
  clientId: string;
  username?: string;
  password?: Buffer;
  remoteAddress: string;
  protocolVersion: ProtocolVersion;
  /** The client certificate of a TLS/WSS connection, present only when it verified against the listener's CA. */
  certificate?: ClientCertificate;
}

/** What a verified X.509 client certificate says about the client (issue 5: certificate identity). */
export interface ClientCertificate {
  /** The subject's Common Name. */
  subjectCN?: string;
  /** Subject Alternative Names with their type, as Node prints them: `DNS:device-1.example`, `IP Address:10.0.0.1`, `email:a@b`. */
  subjectAltNames?: string[];
  /** SHA-256 of the DER certificate, colon-separated hex (`AB:CD:…`). */
  fingerprint256: string;
}

/**
 * An ACL rule that belongs to one connection (from JWT claims). Topics take
 * the same forms as `auth.acl`: filters with `${clientid}` / `${username}`
 * placeholders, or `eq <filter>`.
 */
export interface ConnectionAclRule {
  permission: 'allow' | 'deny';
  action: AclAction | 'all';
  topics: string[];
}

export type AuthenticateResult =
  | {
      decision: 'allow';
      superuser: boolean;
      /** Unix time in ms when the credentials expire (JWT `exp`): the gateway disconnects the client then. */
      expiresAt?: number;
      /**
       * Rules for this connection only. The auth service keeps nothing per
       * connection (it may be scaled out): the gateway sends these back in
       * every AuthorizeRequest as `connectionAcl`.
       */
      acl?: ConnectionAclRule[];
      /** The username the connection has from now on (X.509 `auth.x509.usernameFrom`): used for ACL instead of the CONNECT one. */
      username?: string;
      /** The client id the connection has from now on (X.509 `auth.x509.clientIdFrom`): its session and ACL use it. */
      clientId?: string;
    }
  | { decision: 'deny'; reason: AuthDenyReason };

/** What an allow carries, whichever way the client authenticated. */
export type AuthAllowFields = Omit<Extract<AuthenticateResult, { decision: 'allow' }>, 'decision'>;

/**
 * One step of an MQTT 5 enhanced authentication (MQTT 5.0 §4.12): the
 * Authentication Method and Data of the CONNECT (first step, no `state`) or of
 * the client's AUTH packet (later steps, with the `state` the previous step
 * answered). The other fields are those of the CONNECT, as for authenticate.
 */
export interface AuthExchangeRequest {
  method: string;
  data?: Buffer;
  /** Opaque; exactly what the previous step's `continue` answered. */
  state?: Buffer;
  clientId: string;
  username?: string;
  remoteAddress: string;
  protocolVersion: ProtocolVersion;
  certificate?: ClientCertificate;
}

export type AuthExchangeResult =
  /**
   * Send `data` to the client in an AUTH packet (0x18 Continue authentication)
   * and call again with its answer and this `state`. The state is opaque and
   * self-contained (sealed by the auth service), so the service keeps nothing
   * between steps and any instance may answer the next one.
   */
  | { outcome: 'continue'; data: Buffer; state: Buffer }
  /** Authenticated; `data` goes to the client in the CONNACK (or AUTH 0x00 on re-authentication) as Authentication Data. */
  | ({ outcome: 'allow'; data?: Buffer } & AuthAllowFields)
  | { outcome: 'deny'; reason: AuthDenyReason };

export interface AuthorizeRequest {
  clientId: string;
  username?: string;
  action: AclAction;
  /** A topic name for publish, a topic filter for subscribe. */
  topic: string;
  /** The client's address, for `ipaddr` rules; absent, such rules fail closed (deny rules apply, allow rules do not). */
  remoteAddress?: string;
  /** What authenticate answered for this connection; absent means false. */
  superuser?: boolean;
  /** `acl` of the authenticate answer, checked before the configured rules. */
  connectionAcl?: ConnectionAclRule[];
  /** The Common Name of the connection's verified client certificate, for `${cert_cn}` in ACL rules; absent, such rules do not match. */
  certCN?: string;
}

/** A rule as `auth.acl` holds it: a connection rule, optionally scoped to one username, client id or address (exact or CIDR). */
export interface AclRuleSpec extends ConnectionAclRule {
  username?: string;
  clientid?: string;
  ipaddr?: string;
}

/**
 * Published by the auth service on `subjects.authChanged` whenever its rules,
 * bans or users change: gateways drop their cached decisions, re-check live
 * subscriptions, and (for `ban`) disconnect the clients it names.
 */
export interface AuthChangedEvent {
  kind: 'acl' | 'ban' | 'users';
  /** For `kind: 'ban'`: the ban that was added. */
  ban?: Pick<Ban, 'kind' | 'value'>;
}

export function encodeAuthChanged(event: AuthChangedEvent): Uint8Array {
  return Buffer.from(JSON.stringify(event));
}

/** Throws on anything that is not an object; unknown kinds are kept as they are (a receiver treats them as a rule change). */
export function decodeAuthChanged(data: Uint8Array): AuthChangedEvent {
  const parsed = JSON.parse(Buffer.from(data).toString('utf8')) as unknown;
  if (typeof parsed !== 'object' || parsed === null) throw new Error('auth changed event: not an object');
  return parsed as AuthChangedEvent;
}

export interface AuthorizeResult {
  allow: boolean;
}

/** What a ban matches: a client id, a username, or an address (exact or CIDR, IPv4 or IPv6). */
export type BanKind = 'clientid' | 'username' | 'ipaddr';

export interface Ban {
  kind: BanKind;
  value: string;
  /** Unix time in ms when the ban ends; absent: never. */
  until?: number;
  reason?: string;
  /** Where it comes from; set by the service (`config`, `api`, `flapping`). */
  source?: 'config' | 'api' | 'flapping';
}

/** mqp.auth.v1.Auth: who may connect, and what each client may publish and subscribe. */
export interface AuthApi {
  authenticate(req: AuthenticateRequest): Promise<AuthenticateResult>;
  /**
   * One step of an MQTT 5 enhanced authentication (AUTH packets); method
   * `SCRAM-SHA-256` only, others are denied with `bad_auth_method`. Optional:
   * an implementation without it offers no enhanced authentication, and the
   * gateway answers such a CONNECT with 0x8C Bad authentication method.
   */
  authenticateExchange?(req: AuthExchangeRequest): Promise<AuthExchangeResult>;
  authorize(req: AuthorizeRequest): Promise<AuthorizeResult>;
  /** Adds (or replaces) a ban kept in the service's memory; it takes effect at the next CONNECT. */
  ban(ban: Ban): Promise<void>;
  /** Removes a ban added through `ban` (or by flapping detection); bans from the config file stay. */
  unban(req: { kind: BanKind; value: string }): Promise<{ removed: boolean }>;
  /** Every ban in force, config ones included. */
  listBans(): Promise<Ban[]>;
  /**
   * Replaces the ACL rules (those of `auth.acl` until now) with these, first
   * match wins as before; a malformed rule (bad `ipaddr`) refuses the whole
   * set. Gateways are told on `subjects.authChanged`.
   */
  replaceAcl(req: { rules: AclRuleSpec[] }): Promise<void>;
}
