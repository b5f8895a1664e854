import { mkdir } from 'node:fs/promises';
import { open, type Key } from 'lmdb';
import type { Message } from '@mqp/model';
import type { StoredBan, StoredUser } from '../auth.store';
import type { LeaseRecord } from '../lease.store';
import type { PersistentSessionRecord, StoredDelivery } from '../session.store';
import type { Stores } from '../stores';
import { LmdbAuthStore, type AuthSettingsValue } from './lmdb-auth.store';
import { LmdbLeaseStore } from './lmdb-lease.store';
import { LmdbQueueStore, type QueueMeta } from './lmdb-queue.store';
import { LmdbRetainedStore } from './lmdb-retained.store';
import { LmdbRuleStore } from './lmdb-rule.store';
import { LmdbSessionStore } from './lmdb-session.store';

export type EmbeddedStore = Stores;

/**
 * Opens (creating if needed) the embedded store: one LMDB environment in
 * `dir` (`storage.dir`) with one named database per port.
 *
 * Durability. lmdb-js batches the writes of one event turn into one
 * transaction, commits it on its write thread, and resolves each write's
 * promise once that transaction is committed. With its default
 * `overlappingSync: true` (non-Windows) the commit writes the pages to the
 * file and the fsync runs afterwards, overlapping the next transaction:
 * a committed transaction is in the OS page cache, so it survives the
 * process dying (SIGKILL, crash) — on reopen lmdb-js uses the latest
 * committed transaction while the OS boot id is unchanged — but the last
 * commits may be lost if the machine itself loses power before the fsync.
 * `noSync` (never fsync) and `mapAsync` stay off: they give up even that.
 * Every write method here awaits the commit, so a caller that acknowledges
 * after the awaited write (PUBACK, PUBREC, SUBACK) acknowledges data that
 * survives `kill -9`. (Awaiting `env.flushed` after a write would add the
 * power-loss guarantee at the cost of a disk flush per batch; not done yet.)
 */
export async function openEmbeddedStore(dir: string): Promise<EmbeddedStore> {
  await mkdir(dir, { recursive: true });
  // noSubdir: false — `dir` is always a directory; lmdb-js would otherwise take a dot in its name (`/tmp/tmp.abc`) for a file extension.
  const env = open({ path: dir, noSubdir: false, maxDbs: 16, noSync: false, overlappingSync: true });
  try {
    const db = <V, K extends Key>(name: string, keyEncoding?: 'binary') => env.openDB<V, K>({ name, ...(keyEncoding ? { keyEncoding } : {}) });
    return {
      retained: new LmdbRetainedStore(db<Message, Buffer>('retained', 'binary'), db<Message, string>('retained-long')),
      sessions: new LmdbSessionStore(db<PersistentSessionRecord, string>('sessions')),
      queues: new LmdbQueueStore(db<StoredDelivery, [string, number]>('queue'), db<QueueMeta, string>('queue-meta'), db<number, [string, string]>('queue-ids')),
      auth: new LmdbAuthStore(db<StoredUser, string>('users'), db<StoredBan, string>('bans'), db<AuthSettingsValue, string>('auth-settings')),
      rules: new LmdbRuleStore(db<string, string>('rules')),
      leases: new LmdbLeaseStore(db<LeaseRecord, string>('leases')),
      close: async () => {
        await env.flushed;
        await env.close();
      },
    };
  } catch (err) {
    await env.close();
    throw err;
  }
}
