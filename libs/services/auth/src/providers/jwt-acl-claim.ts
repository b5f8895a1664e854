import type { ConnectionAclRule } from '@mqp/contracts';
import { z } from 'zod';

/** One CONNECT password carries at most a 65,535-byte token, but each rule travels with every authorize: keep the list short. */
export const MAX_CLAIM_RULES = 100;

const ACTIONS = new Map<string, ConnectionAclRule['action']>([
  ['publish', 'publish'],
  ['subscribe', 'subscribe'],
  ['all', 'all'],
  // EMQX's JWT ACL claim spells them `pub` / `sub`.
  ['pub', 'publish'],
  ['sub', 'subscribe'],
]);

const ruleSchema = z
  .object({
    permission: z.enum(['allow', 'deny']),
    action: z.string().refine((a) => ACTIONS.has(a), 'action must be publish, subscribe, all, pub or sub').default('all'),
    topics: z.array(z.string().min(1).max(65_535)).min(1).optional(),
    topic: z.string().min(1).max(65_535).optional(),
  })
  .refine((r) => r.topics !== undefined || r.topic !== undefined, 'topics or topic is required');

/**
 * Reads the ACL claim of a verified token: a list of `{permission, action,
 * topics}` (or EMQX's `topic`). Returns undefined when the claim is absent and
 * throws when it is malformed: a token whose rules cannot be read is refused,
 * never treated as if it had none.
 */
export function aclFromClaim(value: unknown): ConnectionAclRule[] | undefined {
  if (value === undefined) return undefined;
  const rules = z.array(ruleSchema).max(MAX_CLAIM_RULES).parse(value);
  return rules.map((r) => ({
    permission: r.permission,
    action: ACTIONS.get(r.action) ?? 'all',
    topics: r.topics ?? [r.topic as string],
  }));
}
