/**
 * Named leases with an expiry, held by one owner at a time: how two
 * session-service instances agree which one captures the messages of an
 * offline session (ARCHITECTURE.md "Offline persistent sessions"). The owner
 * renews before the TTL runs out; when it dies, the lease expires and another
 * instance takes it. Times are the adapter's wall clock (milliseconds).
 */
export interface LeaseStore {
  /**
   * Takes `name` for `owner` until now + `ttlMs` when it is free, expired, or
   * already held by `owner` (a renewal). Resolves true when `owner` holds it
   * afterwards, false when another owner holds an unexpired lease.
   */
  acquire(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up when `owner` holds it; otherwise a no-op. */
  release(name: string, owner: string): Promise<void>;
  /** The owner of an unexpired lease, or undefined. */
  holder(name: string): Promise<string | undefined>;
}

/** What an adapter keeps for one lease. */
export interface LeaseRecord {
  owner: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}
