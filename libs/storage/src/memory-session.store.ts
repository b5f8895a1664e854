import type { PersistentSessionRecord, SessionStore } from './session.store';

/**
 * In-memory SessionStore. Records are copied in and out so a caller mutating
 * a record it holds cannot change the store behind its back (the durable
 * adapters behave the same way by construction).
 */
export class MemorySessionStore implements SessionStore {
  // Keyed by client id, a client-controlled string: a Map, never a plain object.
  private readonly records = new Map<string, PersistentSessionRecord>();

  async get(clientId: string): Promise<PersistentSessionRecord | undefined> {
    const record = this.records.get(clientId);
    return record ? copy(record) : undefined;
  }

  async put(record: PersistentSessionRecord): Promise<void> {
    this.records.set(record.clientId, copy(record));
  }

  async delete(clientId: string): Promise<void> {
    this.records.delete(clientId);
  }

  async list(): Promise<PersistentSessionRecord[]> {
    return [...this.records.values()].map(copy);
  }
}

// Messages are treated as immutable across the platform: lists and entries are copied, messages shared.
function copy(record: PersistentSessionRecord): PersistentSessionRecord {
  const out: PersistentSessionRecord = { ...record, subscriptions: record.subscriptions.map((s) => ({ ...s })) };
  if (record.inflight) out.inflight = record.inflight.map((d) => ({ ...d }));
  if (record.awaitingRel) out.awaitingRel = [...record.awaitingRel];
  if (record.will) out.will = { ...record.will };
  if (record.pending) out.pending = record.pending.map((d) => ({ ...d }));
  if (record.connection) out.connection = { ...record.connection };
  return out;
}
