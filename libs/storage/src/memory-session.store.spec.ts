import { MemorySessionStore } from './memory-session.store';
import { describeSessionStoreContract } from './testing/session-store.contract';

describeSessionStoreContract('memory', () => new MemorySessionStore());
