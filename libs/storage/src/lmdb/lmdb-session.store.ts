import type { Database } from 'lmdb';
import type { PersistentSessionRecord, SessionStore } from '../session.store';

/** Session records in LMDB keyed by client id; values are MessagePack copies, so callers cannot mutate what is stored. */
export class LmdbSessionStore implements SessionStore {
  constructor(private readonly db: Database<PersistentSessionRecord, string>) {}

  async get(clientId: string): Promise<PersistentSessionRecord | undefined> {
    return this.db.get(clientId);
  }

  async put(record: PersistentSessionRecord): Promise<void> {
    await this.db.put(record.clientId, record);
  }

  async delete(clientId: string): Promise<void> {
    // Every Clean Start connect deletes; a read (synchronous in LMDB) spares the write transaction when there is nothing to delete.
    if (this.db.get(clientId) === undefined) return;
    await this.db.remove(clientId);
  }

  async list(): Promise<PersistentSessionRecord[]> {
    return [...this.db.getRange()].map(({ value }) => value);
  }
}
