import type { LeaseRecord, LeaseStore } from './lease.store';

/** In-memory LeaseStore: leases shared by the instances of one process (tests). */
export class MemoryLeaseStore implements LeaseStore {
  // Lease names carry client ids: a Map, never a plain object.
  private readonly leases = new Map<string, LeaseRecord>();

  constructor(private readonly now: () => number = Date.now) {}

  async acquire(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const current = this.leases.get(name);
    if (current && current.owner !== owner && current.expiresAt > now) return false;
    this.leases.set(name, { owner, expiresAt: now + ttlMs });
    return true;
  }

  async release(name: string, owner: string): Promise<void> {
    if (this.leases.get(name)?.owner === owner) this.leases.delete(name);
  }

  async holder(name: string): Promise<string | undefined> {
    const current = this.leases.get(name);
    return current && current.expiresAt > this.now() ? current.owner : undefined;
  }
}
