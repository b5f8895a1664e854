import { MongoServerError, type Collection } from 'mongodb';
import type { LeaseStore } from '../lease.store';

/** One lease: its name as `_id`. */
export interface LeaseDocument {
  _id: string;
  owner: string;
  expiresAt: number;
}

const DUPLICATE_KEY = 11000;

/**
 * Leases in MongoDB. An acquire is one conditional upsert: it matches the
 * lease only when it is ours or expired; when another owner holds it the
 * upsert tries to insert the same `_id` and fails with a duplicate key, which
 * reads as "not acquired". Expiry uses the caller's clock: instances must
 * keep their clocks within a fraction of the TTL.
 */
export class MongoLeaseStore implements LeaseStore {
  constructor(private readonly leases: Collection<LeaseDocument>) {}

  async acquire(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    try {
      const doc = await this.leases.findOneAndUpdate(
        { _id: name, $or: [{ owner }, { expiresAt: { $lte: now } }] },
        { $set: { owner, expiresAt: now + ttlMs } },
        { upsert: true, returnDocument: 'after' },
      );
      return doc?.owner === owner;
    } catch (err) {
      if (err instanceof MongoServerError && err.code === DUPLICATE_KEY) return false;
      throw err;
    }
  }

  async release(name: string, owner: string): Promise<void> {
    await this.leases.deleteOne({ _id: name, owner });
  }

  async holder(name: string): Promise<string | undefined> {
    const doc = await this.leases.findOne({ _id: name });
    return doc && doc.expiresAt > Date.now() ? doc.owner : undefined;
  }
}
