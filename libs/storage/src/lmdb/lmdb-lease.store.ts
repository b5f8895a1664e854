import type { Database } from 'lmdb';
import type { LeaseRecord, LeaseStore } from '../lease.store';

/** Leases in LMDB: each check-and-set runs in one transaction, so two acquirers cannot both win. */
export class LmdbLeaseStore implements LeaseStore {
  constructor(private readonly db: Database<LeaseRecord, string>) {}

  acquire(name: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.db.transaction(() => {
      const now = Date.now();
      const current = this.db.get(name);
      if (current && current.owner !== owner && current.expiresAt > now) return false;
      this.db.put(name, { owner, expiresAt: now + ttlMs });
      return true;
    });
  }

  async release(name: string, owner: string): Promise<void> {
    await this.db.transaction(() => {
      if (this.db.get(name)?.owner === owner) this.db.remove(name);
    });
  }

  async holder(name: string): Promise<string | undefined> {
    const current = this.db.get(name);
    return current && current.expiresAt > Date.now() ? current.owner : undefined;
  }
}
