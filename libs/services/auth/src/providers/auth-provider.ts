import type { AuthDenyReason, AuthenticateRequest, ConnectionAclRule } from '@mqp/contracts';

/**
 * One link of the authentication chain (EMQX `emqx_authn_provider`): a
 * provider either decides (`allow` / `deny`) or passes (`ignore`) to the next.
 */
export type ProviderDecision =
  | { decision: 'ignore' }
  /** `username` / `clientId`: the identity the connection has from now on (X.509 certificate). */
  | { decision: 'allow'; superuser: boolean; expiresAt?: number; acl?: ConnectionAclRule[]; username?: string; clientId?: string }
  /** `detail` goes to the log only, never to the client. */
  | { decision: 'deny'; reason: AuthDenyReason; detail?: string };

export interface AuthProvider {
  readonly name: string;
  /** Prepares the provider (hash passwords, fetch keys…); called once before the first authenticate. */
  start?(): Promise<void>;
  authenticate(req: AuthenticateRequest): Promise<ProviderDecision>;
}

export const IGNORE: ProviderDecision = { decision: 'ignore' };
