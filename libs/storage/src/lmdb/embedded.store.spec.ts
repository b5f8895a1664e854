import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeAuthStoreContract } from '../testing/auth-store.contract';
import { describeLeaseStoreContract } from '../testing/lease-store.contract';
import { describeQueueStoreContract, queued } from '../testing/queue-store.contract';
import { describeRetainedStoreContract, retainedMessage } from '../testing/retained-store.contract';
import { describeRuleStoreContract } from '../testing/rule-store.contract';
import { describeSessionStoreContract, fullSessionRecord } from '../testing/session-store.contract';
import type { Stores } from '../stores';
import { openEmbeddedStore } from './embedded.store';

// Each test gets a fresh environment in its own directory, removed afterwards.
const open = new Map<object, { stores: Stores; dir: string }>();

function port<P extends object>(pick: (stores: Stores) => P): { factory: () => Promise<P>; cleanup: (p: P) => Promise<void> } {
  return {
    factory: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mqp-lmdb-'));
      const stores = await openEmbeddedStore(dir);
      const p = pick(stores);
      open.set(p, { stores, dir });
      return p;
    },
    cleanup: async (p) => {
      const entry = open.get(p);
      open.delete(p);
      if (!entry) return;
      await entry.stores.close();
      rmSync(entry.dir, { recursive: true, force: true });
    },
  };
}

const retained = port((s) => s.retained);
describeRetainedStoreContract('lmdb', retained.factory, retained.cleanup);
const sessions = port((s) => s.sessions);
describeSessionStoreContract('lmdb', sessions.factory, sessions.cleanup);
const queues = port((s) => s.queues);
describeQueueStoreContract('lmdb', queues.factory, queues.cleanup);
const auth = port((s) => s.auth);
describeAuthStoreContract('lmdb', auth.factory, auth.cleanup);
const rules = port((s) => s.rules);
describeRuleStoreContract('lmdb', rules.factory, rules.cleanup);
const leases = port((s) => s.leases);
describeLeaseStoreContract('lmdb', leases.factory, leases.cleanup);

describe('openEmbeddedStore', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mqp-lmdb-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds everything again after close and reopen of the same directory', async () => {
    const first = await openEmbeddedStore(dir);
    await first.retained.set(retainedMessage('a/b', 'kept'));
    await first.sessions.put(fullSessionRecord('c1'));
    await first.queues.append('c1', queued('m1'));
    await first.auth.putUser({ username: 'u', passwordHash: '$argon2id$x', superuser: false });
    await first.rules.put({ id: 'r1', on: 'a/#' });
    await first.close();

    const second = await openEmbeddedStore(dir);
    try {
      expect((await second.retained.match('a/+'))[0]?.payload.toString()).toBe('kept');
      expect(await second.sessions.get('c1')).toEqual(fullSessionRecord('c1'));
      expect((await second.queues.list('c1')).map((e) => e.message.id)).toEqual(['m1']);
      // seqs continue after a reopen: a new entry goes behind the old ones
      await second.queues.append('c1', queued('m2'));
      expect((await second.queues.list('c1')).map((e) => e.message.id)).toEqual(['m1', 'm2']);
      expect((await second.auth.getUser('u'))?.passwordHash).toBe('$argon2id$x');
      expect(await second.rules.get('r1')).toEqual({ id: 'r1', on: 'a/#' });
    } finally {
      await second.close();
    }
  });

  it('opens a directory whose name has a dot in it (not taken for a file extension)', async () => {
    const dotted = join(dir, 'data.v1');
    const stores = await openEmbeddedStore(dotted);
    try {
      await stores.sessions.put(fullSessionRecord('c1'));
      expect(await stores.sessions.get('c1')).toEqual(fullSessionRecord('c1'));
    } finally {
      await stores.close();
    }
  });

  it('answers a narrow filter over 100,000 retained topics with exactly its matches (index, not scan)', async () => {
    const stores = await openEmbeddedStore(dir);
    try {
      const writes: Promise<void>[] = [];
      for (let i = 0; i < 100; i++) {
        for (let j = 0; j < 1000; j++) writes.push(stores.retained.set(retainedMessage(`dev/${i}/sensor/${j}`)));
      }
      for (const topic of ['a/b/1', 'a/b/2', 'a/b/3/deeper', 'a/c/1', 'a/b']) writes.push(stores.retained.set(retainedMessage(topic)));
      await Promise.all(writes);
      expect(await stores.retained.count()).toBe(100_005);
      expect((await stores.retained.match('a/b/+')).map((m) => m.topic).sort()).toEqual(['a/b/1', 'a/b/2']);
      expect((await stores.retained.match('a/b/#')).map((m) => m.topic).sort()).toEqual(['a/b', 'a/b/1', 'a/b/2', 'a/b/3/deeper']);
      expect((await stores.retained.match('+/+/1')).map((m) => m.topic).sort()).toEqual(['a/b/1', 'a/c/1']);
      expect((await stores.retained.match('dev/7/sensor/+')).length).toBe(1000);
      expect((await stores.retained.match('dev/+/sensor/42')).map((m) => m.topic).sort()).toHaveLength(100);
    } finally {
      await stores.close();
    }
  }, 60_000);

  it('keeps topics longer than an LMDB key and matches them', async () => {
    const stores = await openEmbeddedStore(dir);
    try {
      const long = `a/${'x'.repeat(5000)}/z`;
      await stores.retained.set(retainedMessage(long));
      await stores.retained.set(retainedMessage('a/b/z'));
      expect((await stores.retained.get(long))?.topic).toBe(long);
      expect((await stores.retained.match('a/+/z')).map((m) => m.topic).sort()).toEqual([long, 'a/b/z'].sort());
      expect(await stores.retained.count()).toBe(2);
      await stores.retained.delete(long);
      expect(await stores.retained.match('#')).toHaveLength(1);
    } finally {
      await stores.close();
    }
  });
});
