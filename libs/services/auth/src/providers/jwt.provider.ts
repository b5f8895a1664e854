import { createPublicKey, type KeyObject } from 'node:crypto';
import type { AuthConfig } from '@mqp/config';
import type { AuthenticateRequest } from '@mqp/contracts';
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { IGNORE, type AuthProvider, type ProviderDecision } from './auth-provider';
import { aclFromClaim } from './jwt-acl-claim';

export type JwtConfig = AuthConfig['jwt'];

/** Three base64url parts: anything else in the password is not a JWT, and the next provider decides. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** The key source did not answer (JWKS fetch failed or timed out): refuse as unavailable, not as bad credentials. */
class KeysUnavailableError extends Error {}

/**
 * JWT in the CONNECT password (or username): HS256 with a shared secret,
 * RS256/ES256 with a PEM public key or the keys of a JWKS URL. `exp`, `nbf`,
 * `iss`, `aud` are checked (with `clockToleranceS`); the ACL claim becomes
 * the connection's ACL and `exp` its end.
 *
 * JWKS keys are cached for `jwksCacheMs`; a token signed with an unknown
 * `kid` (the issuer rotated its keys) fetches the set again, at most once per
 * `jwksMinRefetchMs`, so a flood of tokens with made-up `kid`s cannot turn
 * the broker into a load generator against the issuer (jose `cooldownDuration`).
 */
export class JwtProvider implements AuthProvider {
  readonly name = 'jwt';
  private readonly secret: Uint8Array | undefined;
  private readonly publicKey: KeyObject | undefined;
  private readonly jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  private readonly getKey: JWTVerifyGetKey;

  constructor(
    private readonly config: JwtConfig,
    options: { jwksTimeoutMs?: number } = {},
  ) {
    if (config.secret !== undefined) this.secret = new TextEncoder().encode(config.secret);
    if (config.publicKey !== undefined) this.publicKey = createPublicKey(config.publicKey);
    if (config.jwksUrl !== undefined) {
      this.jwks = createRemoteJWKSet(new URL(config.jwksUrl), {
        cacheMaxAge: config.jwksCacheMs,
        cooldownDuration: config.jwksMinRefetchMs,
        timeoutDuration: options.jwksTimeoutMs ?? 5_000,
      });
    }
    this.getKey = async (header, token) => {
      if (header.alg === 'HS256') {
        if (this.secret) return this.secret;
        throw new errors.JOSEAlgNotAllowed('HS256 tokens need jwt.secret');
      }
      if (this.jwks) {
        try {
          return await this.jwks(header, token);
        } catch (err) {
          // No key with that kid even after a refetch: the token is at fault. Anything else is the key source's.
          if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) throw err;
          throw new KeysUnavailableError('JWKS unavailable', { cause: err });
        }
      }
      if (this.publicKey) return this.publicKey;
      throw new errors.JOSEAlgNotAllowed(`${String(header.alg)} tokens need jwt.publicKey or jwt.jwksUrl`);
    };
  }

  async authenticate(req: AuthenticateRequest): Promise<ProviderDecision> {
    const token = this.config.from === 'password' ? req.password?.toString('utf8') : req.username;
    if (token === undefined || !JWT_SHAPE.test(token)) return IGNORE;
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.getKey, {
        algorithms: this.config.algorithms,
        clockTolerance: this.config.clockToleranceS,
        ...(this.config.issuer !== undefined ? { issuer: this.config.issuer } : {}),
        ...(this.config.audience !== undefined ? { audience: this.config.audience } : {}),
      }));
    } catch (err) {
      if (err instanceof KeysUnavailableError) return { decision: 'deny', reason: 'unavailable', detail: `jwt keys unavailable: ${describe(err.cause)}` };
      return { decision: 'deny', reason: 'bad_credentials', detail: `jwt refused: ${describe(err)}` };
    }
    if (this.config.usernameClaim !== undefined && payload[this.config.usernameClaim] !== req.username) {
      return { decision: 'deny', reason: 'bad_credentials', detail: `jwt claim ${this.config.usernameClaim} does not match the username` };
    }
    let acl;
    try {
      acl = aclFromClaim(payload[this.config.aclClaim]);
    } catch {
      return { decision: 'deny', reason: 'not_authorized', detail: `jwt claim ${this.config.aclClaim} is malformed` };
    }
    // Strictly `true`: a string "false" or a 1 must not make anyone a superuser.
    const result: ProviderDecision = { decision: 'allow', superuser: payload[this.config.superuserClaim] === true };
    if (payload.exp !== undefined) result.expiresAt = payload.exp * 1000;
    if (acl !== undefined) result.acl = acl;
    return result;
  }
}

function describe(err: unknown): string {
  if (err instanceof errors.JOSEError) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
