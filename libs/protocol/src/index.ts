export * from './topic';
export * from './topic-matcher';
export * from './topic-trie';
export * from './subject-mapping';
export * from './reason-codes';
export * from './packet-reader';
export * from './utf8-string';
export * from './property-table';
