import type { StoredDelivery } from './session.store';
import { entryBytes, type QueuedEntry, type QueueStats, type QueueStore } from './queue.store';

interface ClientQueue {
  nextSeq: number;
  // seq → entry; a Map keeps insertion order, which is seq order.
  readonly entries: Map<number, QueuedEntry>;
  // message id → seq, to refuse duplicates.
  readonly ids: Map<string, number>;
  bytes: number;
}

/** In-memory QueueStore. */
export class MemoryQueueStore implements QueueStore {
  // Keyed by client id, a client-controlled string: a Map.
  private readonly queues = new Map<string, ClientQueue>();

  async append(clientId: string, entry: StoredDelivery): Promise<number | undefined> {
    let queue = this.queues.get(clientId);
    if (!queue) {
      queue = { nextSeq: 1, entries: new Map(), ids: new Map(), bytes: 0 };
      this.queues.set(clientId, queue);
    }
    if (queue.ids.has(entry.message.id)) return undefined;
    const seq = queue.nextSeq++;
    queue.entries.set(seq, { ...entry, seq });
    queue.ids.set(entry.message.id, seq);
    queue.bytes += entryBytes(entry);
    return seq;
  }

  async appendMany(clientId: string, entries: readonly StoredDelivery[]): Promise<number> {
    let added = 0;
    for (const entry of entries) if ((await this.append(clientId, entry)) !== undefined) added++;
    return added;
  }

  async list(clientId: string, limit?: number): Promise<QueuedEntry[]> {
    const out: QueuedEntry[] = [];
    for (const entry of this.queues.get(clientId)?.entries.values() ?? []) {
      if (limit !== undefined && out.length >= limit) break;
      out.push({ ...entry });
    }
    return out;
  }

  async remove(clientId: string, seqs: readonly number[]): Promise<void> {
    const queue = this.queues.get(clientId);
    if (!queue) return;
    for (const seq of seqs) this.removeOne(queue, seq);
  }

  async trim(clientId: string, maxCount: number, maxBytes: number): Promise<number> {
    const queue = this.queues.get(clientId);
    if (!queue) return 0;
    let dropped = 0;
    for (const seq of queue.entries.keys()) {
      if (queue.entries.size <= maxCount && queue.bytes <= maxBytes) break;
      this.removeOne(queue, seq);
      dropped++;
    }
    return dropped;
  }

  async stats(clientId: string): Promise<QueueStats> {
    const queue = this.queues.get(clientId);
    return { count: queue?.entries.size ?? 0, bytes: queue?.bytes ?? 0 };
  }

  async clear(clientId: string): Promise<void> {
    this.queues.delete(clientId);
  }

  private removeOne(queue: ClientQueue, seq: number): void {
    const entry = queue.entries.get(seq);
    if (!entry) return;
    queue.entries.delete(seq);
    queue.ids.delete(entry.message.id);
    queue.bytes -= entryBytes(entry);
  }
}
