import { MemoryAuthStore } from './memory-auth.store';
import { MemoryLeaseStore } from './memory-lease.store';
import { describeLeaseStoreContract } from './testing/lease-store.contract';
import { MemoryQueueStore } from './memory-queue.store';
import { MemoryRuleStore } from './memory-rule.store';
import { describeAuthStoreContract } from './testing/auth-store.contract';
import { describeQueueStoreContract } from './testing/queue-store.contract';
import { describeRuleStoreContract } from './testing/rule-store.contract';

describeQueueStoreContract('memory', () => new MemoryQueueStore());
describeAuthStoreContract('memory', () => new MemoryAuthStore());
describeRuleStoreContract('memory', () => new MemoryRuleStore());
describeLeaseStoreContract('memory', () => new MemoryLeaseStore());
