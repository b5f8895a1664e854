import { isIPv4 } from 'node:net';
import type { AuthenticateRequest } from '@mqp/contracts';
import { IGNORE, type AuthProvider, type ProviderDecision } from './auth-provider';

export interface AnonymousPolicy {
  /** `auth.allowAnonymous`: true accepts, false refuses, unset decides by `hasUsers` and the peer address. */
  allowAnonymous: boolean | undefined;
  hasUsers: boolean;
}

/**
 * Clients that send no username. With nothing configured the platform accepts
 * them only from loopback, so `npm start` works on one machine without
 * opening an unauthenticated broker to the network (ARCHITECTURE.md
 * "Operator interface").
 */
export class AnonymousProvider implements AuthProvider {
  readonly name = 'anonymous';

  constructor(private readonly policy: AnonymousPolicy) {}

  authenticate(req: AuthenticateRequest): ProviderDecision {
    if (req.username !== undefined) return IGNORE;
    const { allowAnonymous, hasUsers } = this.policy;
    if (allowAnonymous === true) return { decision: 'allow', superuser: false };
    if (allowAnonymous === undefined && !hasUsers && isLoopback(req.remoteAddress)) return { decision: 'allow', superuser: false };
    return { decision: 'deny', reason: 'not_authorized' };
  }
}

/** 127.0.0.0/8, ::1 and IPv4-mapped 127.x (what a dual-stack listener reports for IPv4 loopback). */
export function isLoopback(address: string): boolean {
  const a = address.toLowerCase();
  if (a === '::1' || a === '0:0:0:0:0:0:0:1') return true;
  const v4 = a.startsWith('::ffff:') ? a.slice('::ffff:'.length) : a;
  return isIPv4(v4) && v4.startsWith('127.');
}
