export * from './topic';
export * from './topic-matcher';
export * from './topic-trie';
export * from './subject-mapping';
export * from './reason-codes';
export * from './packet-reader';
