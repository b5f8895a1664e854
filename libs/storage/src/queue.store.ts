import type { StoredDelivery } from './session.store';

/** A queued message with the position the store gave it in its client's queue. */
export interface QueuedEntry extends StoredDelivery {
  /** Increasing per client id: the queue order. */
  seq: number;
}

export interface QueueStats {
  count: number;
  /** Sum of the payload lengths: what the byte limit of the queue counts. */
  bytes: number;
}

/**
 * The offline queues of persistent sessions: one ordered collection per
 * client id, kept apart from the session record so appending one message
 * writes one entry instead of rewriting the session.
 */
export interface QueueStore {
  /**
   * Appends at the tail. A message whose id is already queued for this client
   * is not added again (a message captured twice, or handed over and captured):
   * returns its seq, or undefined for such a duplicate.
   */
  append(clientId: string, entry: StoredDelivery): Promise<number | undefined>;
  /**
   * Appends `entries` at the tail in this order as one write (one transaction
   * where the backend has them), skipping message ids already queued or
   * repeated in the batch; resolves with how many were added once durable.
   */
  appendMany(clientId: string, entries: readonly StoredDelivery[]): Promise<number>;
  /** The oldest `limit` entries (all when absent), in queue order. */
  list(clientId: string, limit?: number): Promise<QueuedEntry[]>;
  /** Removes these entries; unknown seqs are ignored. */
  remove(clientId: string, seqs: readonly number[]): Promise<void>;
  /** Drops the oldest entries until at most `maxCount` entries and `maxBytes` bytes remain; returns how many it dropped. */
  trim(clientId: string, maxCount: number, maxBytes: number): Promise<number>;
  stats(clientId: string): Promise<QueueStats>;
  /** Removes the whole queue of a client (its session ended). */
  clear(clientId: string): Promise<void>;
}

/** What the byte limit counts for one entry. */
export function entryBytes(entry: StoredDelivery): number {
  return entry.message.payload.length;
}
