import type { Database } from 'lmdb';
import { entryBytes, type QueuedEntry, type QueueStats, type QueueStore } from '../queue.store';
import type { StoredDelivery } from '../session.store';

type EntryKey = [string, number];
type IdKey = [string, string];

/** Per client: the next seq, and the count and bytes the limits check without a scan. */
export interface QueueMeta {
  nextSeq: number;
  count: number;
  bytes: number;
}

/**
 * Offline queues in LMDB: entries keyed `[clientId, seq]` (ordered-binary
 * keys order arrays element by element, numbers numerically), so one client's
 * queue is one key range in order. Each change runs in one transaction with
 * the client's meta record and its message-id index.
 */
export class LmdbQueueStore implements QueueStore {
  constructor(
    private readonly entries: Database<StoredDelivery, EntryKey>,
    private readonly meta: Database<QueueMeta, string>,
    // [clientId, message id] → seq: refuses duplicates without a scan
    private readonly ids: Database<number, IdKey>,
  ) {}

  append(clientId: string, entry: StoredDelivery): Promise<number | undefined> {
    return this.entries.transaction(() => {
      if (this.ids.get([clientId, entry.message.id]) !== undefined) return undefined;
      const meta = this.meta.get(clientId) ?? { nextSeq: 1, count: 0, bytes: 0 };
      const seq = meta.nextSeq;
      this.entries.put([clientId, seq], entry);
      this.ids.put([clientId, entry.message.id], seq);
      this.meta.put(clientId, { nextSeq: seq + 1, count: meta.count + 1, bytes: meta.bytes + entryBytes(entry) });
      return seq;
    });
  }

  appendMany(clientId: string, entries: readonly StoredDelivery[]): Promise<number> {
    if (entries.length === 0) return Promise.resolve(0);
    return this.entries.transaction(() => {
      const meta = this.meta.get(clientId) ?? { nextSeq: 1, count: 0, bytes: 0 };
      // ids added in this batch, in case reads inside the transaction do not see its own puts
      const seen = new Set<string>();
      let added = 0;
      for (const entry of entries) {
        const id = entry.message.id;
        if (seen.has(id) || this.ids.get([clientId, id]) !== undefined) continue;
        seen.add(id);
        const seq = meta.nextSeq++;
        this.entries.put([clientId, seq], entry);
        this.ids.put([clientId, id], seq);
        meta.count++;
        meta.bytes += entryBytes(entry);
        added++;
      }
      if (added > 0) this.meta.put(clientId, meta);
      return added;
    });
  }

  async list(clientId: string, limit?: number): Promise<QueuedEntry[]> {
    const out: QueuedEntry[] = [];
    for (const { key, value } of this.entries.getRange({ ...clientRange(clientId), limit })) {
      if (key[0] === clientId) out.push({ ...value, seq: key[1] });
    }
    return out;
  }

  async remove(clientId: string, seqs: readonly number[]): Promise<void> {
    await this.entries.transaction(() => {
      const meta = this.meta.get(clientId);
      if (!meta) return;
      for (const seq of seqs) this.removeOne(clientId, seq, meta);
      this.meta.put(clientId, meta);
    });
  }

  trim(clientId: string, maxCount: number, maxBytes: number): Promise<number> {
    return this.entries.transaction(() => {
      const meta = this.meta.get(clientId);
      if (!meta || (meta.count <= maxCount && meta.bytes <= maxBytes)) return 0;
      let dropped = 0;
      for (const { key } of this.entries.getRange(clientRange(clientId))) {
        if (meta.count <= maxCount && meta.bytes <= maxBytes) break;
        if (key[0] !== clientId) continue;
        this.removeOne(clientId, key[1], meta);
        dropped++;
      }
      this.meta.put(clientId, meta);
      return dropped;
    });
  }

  async stats(clientId: string): Promise<QueueStats> {
    const meta = this.meta.get(clientId);
    return { count: meta?.count ?? 0, bytes: meta?.bytes ?? 0 };
  }

  async clear(clientId: string): Promise<void> {
    // Every Clean Start connect clears; a read (synchronous in LMDB) spares the write transaction when there is
    // nothing to clear. The meta record says so on its own: entries are only ever written together with it, in
    // one transaction (append, appendMany), and only clear removes it. (A range read to make sure cost every
    // such connect about 2 KB of garbage: issue 6.)
    if (this.meta.get(clientId) === undefined) return;
    await this.entries.transaction(() => {
      for (const { key, value } of this.entries.getRange(clientRange(clientId))) {
        if (key[0] !== clientId) continue;
        this.entries.remove(key);
        this.ids.remove([clientId, value.message.id]);
      }
      this.meta.remove(clientId);
    });
  }

  /** Inside a transaction: removes one entry and accounts for it in `meta`. */
  private removeOne(clientId: string, seq: number, meta: QueueMeta): void {
    const key: EntryKey = [clientId, seq];
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.remove(key);
    this.ids.remove([clientId, entry.message.id]);
    meta.count--;
    meta.bytes -= entryBytes(entry);
  }
}

/** Every `[clientId, seq]` key; the key[0] check in callers guards against client ids that encode as a prefix of others. */
function clientRange(clientId: string): { start: EntryKey; end: EntryKey } {
  return { start: [clientId, 0], end: [clientId, Number.MAX_SAFE_INTEGER] };
}
