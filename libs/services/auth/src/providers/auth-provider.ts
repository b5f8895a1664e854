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
  /** A provider that decides without I/O answers at once: the chain then awaits nothing for it (issue 6, allocation per CONNECT). */
  authenticate(req: AuthenticateRequest): ProviderDecision | Promise<ProviderDecision>;
}

export const IGNORE: ProviderDecision = { decision: 'ignore' };
