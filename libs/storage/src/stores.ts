import type { AuthStore } from './auth.store';
import type { LeaseStore } from './lease.store';
import type { QueueStore } from './queue.store';
import type { RetainedStore } from './retained.store';
import type { RuleStore } from './rule.store';
import type { SessionStore } from './session.store';

/** Every storage port of one backend, and how to release it. */
export interface Stores {
  retained: RetainedStore;
  sessions: SessionStore;
  queues: QueueStore;
  auth: AuthStore;
  rules: RuleStore;
  leases: LeaseStore;
  /** Releases files or connections; the ports must not be used afterwards. */
  close(): Promise<void>;
}
