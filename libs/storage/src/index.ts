export type { RetainedStore } from './retained.store';
export type { SessionStore, PersistentSessionRecord, StoredSubscription } from './session.store';
export { MemoryRetainedStore } from './memory-retained.store';
export { MemorySessionStore } from './memory-session.store';
export { RetainedTopicTree } from './retained-topic-tree';
