import { MongoClient, type WriteConcernSettings } from 'mongodb';
import type { Stores } from '../stores';
import { MongoAuthStore, type AclDocument, type BanDocument, type UserDocument } from './mongo-auth.store';
import { MongoLeaseStore, type LeaseDocument } from './mongo-lease.store';
import { MongoQueueStore, type QueueDocument, type QueueSeqDocument } from './mongo-queue.store';
import { MongoRetainedStore, type RetainedDocument } from './mongo-retained.store';
import { MongoRuleStore, type RuleRecord } from './mongo-rule.store';
import { MongoSessionStore, type SessionDocument } from './mongo-session.store';

export interface MongoStoreOptions {
  /** Defaults to `{ w: 'majority', j: true }`: an acknowledged write is on a majority of members' journals. */
  writeConcern?: WriteConcernSettings;
}

/**
 * Connects to MongoDB and returns every port, same shape as
 * openEmbeddedStore. Indexes are created before it returns.
 * `promoteBuffers` gives payloads back as Buffers; `ignoreUndefined` keeps
 * absent optional fields absent.
 */
export async function openMongoStore(uri: string, dbName = 'mqp', options: MongoStoreOptions = {}): Promise<Stores> {
  const client = new MongoClient(uri, {
    writeConcern: options.writeConcern ?? { w: 'majority', journal: true },
    promoteBuffers: true,
    ignoreUndefined: true,
  });
  await client.connect();
  try {
    const db = client.db(dbName);
    const retained = db.collection<RetainedDocument>('retained');
    const sessions = db.collection<SessionDocument>('sessions');
    const queue = db.collection<QueueDocument>('queue');
    await MongoRetainedStore.createIndexes(retained);
    await MongoSessionStore.createIndexes(sessions);
    await MongoQueueStore.createIndexes(queue);
    return {
      retained: new MongoRetainedStore(retained),
      sessions: new MongoSessionStore(sessions),
      queues: new MongoQueueStore(queue, db.collection<QueueSeqDocument>('queue-seq')),
      auth: new MongoAuthStore(db.collection<UserDocument>('users'), db.collection<BanDocument>('bans'), db.collection<AclDocument>('auth-settings')),
      rules: new MongoRuleStore(db.collection<RuleRecord>('rules')),
      leases: new MongoLeaseStore(db.collection<LeaseDocument>('leases')),
      close: () => client.close(),
    };
  } catch (err) {
    await client.close();
    throw err;
  }
}
