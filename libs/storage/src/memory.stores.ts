import { MemoryAuthStore } from './memory-auth.store';
import { MemoryLeaseStore } from './memory-lease.store';
import { MemoryQueueStore } from './memory-queue.store';
import { MemoryRetainedStore } from './memory-retained.store';
import { MemoryRuleStore } from './memory-rule.store';
import { MemorySessionStore } from './memory-session.store';
import type { Stores } from './stores';

/** Every port in memory: for tests, and deployments that choose to keep nothing. */
export function createMemoryStores(): Stores {
  return {
    retained: new MemoryRetainedStore(),
    sessions: new MemorySessionStore(),
    queues: new MemoryQueueStore(),
    auth: new MemoryAuthStore(),
    rules: new MemoryRuleStore(),
    leases: new MemoryLeaseStore(),
    close: async () => undefined,
  };
}
