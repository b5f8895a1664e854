import type { Collection } from 'mongodb';
import type { PersistentSessionRecord, SessionStore } from '../session.store';

/** A session record stored as is, with the client id as `_id`. */
export type SessionDocument = PersistentSessionRecord & { _id: string };

/** Session records in MongoDB keyed by client id. */
export class MongoSessionStore implements SessionStore {
  constructor(private readonly collection: Collection<SessionDocument>) {}

  static async createIndexes(collection: Collection<SessionDocument>): Promise<void> {
    // the expiry sweep looks for sessions whose deadline passed
    await collection.createIndex({ expiresAt: 1 }, { sparse: true });
  }

  async get(clientId: string): Promise<PersistentSessionRecord | undefined> {
    const doc = await this.collection.findOne({ _id: clientId });
    return doc ? withoutId(doc) : undefined;
  }

  async put(record: PersistentSessionRecord): Promise<void> {
    await this.collection.replaceOne({ _id: record.clientId }, record, { upsert: true });
  }

  async delete(clientId: string): Promise<void> {
    await this.collection.deleteOne({ _id: clientId });
  }

  async list(): Promise<PersistentSessionRecord[]> {
    return (await this.collection.find().toArray()).map(withoutId);
  }
}

function withoutId(doc: SessionDocument): PersistentSessionRecord {
  const { _id, ...record } = doc;
  return record;
}
