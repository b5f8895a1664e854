import { MongoBulkWriteError, MongoServerError, type Collection } from 'mongodb';
import { entryBytes, type QueuedEntry, type QueueStats, type QueueStore } from '../queue.store';
import type { StoredDelivery } from '../session.store';

/** One queued message: one document, so appending never rewrites the session or the rest of the queue. */
export interface QueueDocument {
  clientId: string;
  seq: number;
  messageId: string;
  bytes: number;
  entry: StoredDelivery;
}

/** The next seq of one client's queue. */
export interface QueueSeqDocument {
  _id: string;
  nextSeq: number;
}

const DUPLICATE_KEY = 11000;

/**
 * Offline queues in MongoDB: documents indexed `{clientId, seq}` (queue order)
 * and unique on `{clientId, messageId}`, which refuses a duplicate message
 * without a read. Count and bytes are computed from the index range rather
 * than kept in a counter document, so a crash between two writes cannot
 * leave them wrong.
 */
export class MongoQueueStore implements QueueStore {
  constructor(
    private readonly entries: Collection<QueueDocument>,
    private readonly seqs: Collection<QueueSeqDocument>,
  ) {}

  static async createIndexes(entries: Collection<QueueDocument>): Promise<void> {
    await entries.createIndex({ clientId: 1, seq: 1 }, { unique: true });
    await entries.createIndex({ clientId: 1, messageId: 1 }, { unique: true });
  }

  async append(clientId: string, entry: StoredDelivery): Promise<number | undefined> {
    const counter = await this.seqs.findOneAndUpdate({ _id: clientId }, { $inc: { nextSeq: 1 } }, { upsert: true, returnDocument: 'after' });
    const seq = counter?.nextSeq;
    if (seq === undefined) throw new Error(`no queue sequence for ${clientId}`);
    try {
      await this.entries.insertOne({ clientId, seq, messageId: entry.message.id, bytes: entryBytes(entry), entry });
      return seq;
    } catch (err) {
      if (err instanceof MongoServerError && err.code === DUPLICATE_KEY) return undefined;
      throw err;
    }
  }

  /** Reserves the seqs with one counter update, then one unordered insert; duplicate ids fail alone and are not counted. */
  async appendMany(clientId: string, entries: readonly StoredDelivery[]): Promise<number> {
    const seen = new Set<string>();
    const unique = entries.filter((e) => !seen.has(e.message.id) && seen.add(e.message.id));
    if (unique.length === 0) return 0;
    const counter = await this.seqs.findOneAndUpdate({ _id: clientId }, { $inc: { nextSeq: unique.length } }, { upsert: true, returnDocument: 'after' });
    const last = counter?.nextSeq;
    if (last === undefined) throw new Error(`no queue sequence for ${clientId}`);
    const first = last - unique.length + 1;
    const docs = unique.map((entry, i) => ({ clientId, seq: first + i, messageId: entry.message.id, bytes: entryBytes(entry), entry }));
    try {
      return (await this.entries.insertMany(docs, { ordered: false })).insertedCount;
    } catch (err) {
      if (err instanceof MongoBulkWriteError && Array.isArray(err.writeErrors) && err.writeErrors.every((e) => e.code === DUPLICATE_KEY)) return err.insertedCount;
      throw err;
    }
  }

  async list(clientId: string, limit?: number): Promise<QueuedEntry[]> {
    const cursor = this.entries.find({ clientId }).sort({ seq: 1 });
    if (limit !== undefined) cursor.limit(limit);
    return (await cursor.toArray()).map((doc) => ({ ...doc.entry, seq: doc.seq }));
  }

  async remove(clientId: string, seqs: readonly number[]): Promise<void> {
    await this.entries.deleteMany({ clientId, seq: { $in: [...seqs] } });
  }

  async trim(clientId: string, maxCount: number, maxBytes: number): Promise<number> {
    let { count, bytes } = await this.stats(clientId);
    if (count <= maxCount && bytes <= maxBytes) return 0;
    let dropped = 0;
    let lastSeq: number | undefined;
    for await (const doc of this.entries.find({ clientId }, { projection: { seq: 1, bytes: 1 } }).sort({ seq: 1 })) {
      if (count <= maxCount && bytes <= maxBytes) break;
      count--;
      bytes -= doc.bytes;
      lastSeq = doc.seq;
      dropped++;
    }
    if (lastSeq !== undefined) await this.entries.deleteMany({ clientId, seq: { $lte: lastSeq } });
    return dropped;
  }

  async stats(clientId: string): Promise<QueueStats> {
    const [result] = await this.entries
      .aggregate<{ count: number; bytes: number }>([{ $match: { clientId } }, { $group: { _id: null, count: { $sum: 1 }, bytes: { $sum: '$bytes' } } }])
      .toArray();
    return { count: result?.count ?? 0, bytes: result?.bytes ?? 0 };
  }

  async clear(clientId: string): Promise<void> {
    await this.entries.deleteMany({ clientId });
    await this.seqs.deleteOne({ _id: clientId });
  }
}
