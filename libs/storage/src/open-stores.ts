import type { Stores } from './stores';
import type { MongoStoreOptions } from './mongodb/mongo.store';

/*
 * The adapters are loaded on first use: a process that never opens them
 * (a gateway, a test with memory stores) does not load the LMDB native
 * module or the MongoDB driver, and does not pay their memory.
 */

/** Opens the embedded (LMDB) store in `dir`; see lmdb/embedded.store.ts for what an awaited write guarantees. */
export async function openEmbeddedStore(dir: string): Promise<Stores> {
  const { openEmbeddedStore: open } = await import('./lmdb/embedded.store');
  return open(dir);
}

/** Connects to MongoDB (`w: majority`, journaled) and creates the indexes; see mongodb/mongo.store.ts. */
export async function openMongoStore(uri: string, dbName?: string, options?: MongoStoreOptions): Promise<Stores> {
  const { openMongoStore: open } = await import('./mongodb/mongo.store');
  return open(uri, dbName, options);
}
