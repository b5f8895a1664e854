import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import type { Stores } from '../stores';
import { describeAuthStoreContract } from '../testing/auth-store.contract';
import { describeLeaseStoreContract } from '../testing/lease-store.contract';
import { describeQueueStoreContract } from '../testing/queue-store.contract';
import { describeRetainedStoreContract, retainedMessage } from '../testing/retained-store.contract';
import { describeRuleStoreContract } from '../testing/rule-store.contract';
import { describeSessionStoreContract } from '../testing/session-store.contract';
import { openMongoStore } from './mongo.store';

// No MongoDB server can be installed here: the suite runs against the server
// of MQP_TEST_MONGODB_URI when it is set, and says plainly that it did not run otherwise.
const uri = process.env.MQP_TEST_MONGODB_URI;

if (!uri) {
  describe('MongoDB adapter', () => {
    it('skipped: no MongoDB', () => {
      expect(process.env.MQP_TEST_MONGODB_URI).toBeUndefined();
    });
  });
} else {
  // Each test gets its own database, dropped afterwards.
  const open = new Map<object, { stores: Stores; dbName: string }>();

  const port = <P extends object>(pick: (stores: Stores) => P) => ({
    factory: async (): Promise<P> => {
      const dbName = `mqp-test-${randomBytes(6).toString('hex')}`;
      const stores = await openMongoStore(uri, dbName);
      const p = pick(stores);
      open.set(p, { stores, dbName });
      return p;
    },
    cleanup: async (p: P): Promise<void> => {
      const entry = open.get(p);
      open.delete(p);
      if (!entry) return;
      await entry.stores.close();
      const client = await MongoClient.connect(uri);
      try {
        await client.db(entry.dbName).dropDatabase();
      } finally {
        await client.close();
      }
    },
  });

  const retained = port((s) => s.retained);
  describeRetainedStoreContract('mongodb', retained.factory, retained.cleanup);
  const sessions = port((s) => s.sessions);
  describeSessionStoreContract('mongodb', sessions.factory, sessions.cleanup);
  const queues = port((s) => s.queues);
  describeQueueStoreContract('mongodb', queues.factory, queues.cleanup);
  const auth = port((s) => s.auth);
  describeAuthStoreContract('mongodb', auth.factory, auth.cleanup);
  const rules = port((s) => s.rules);
  describeRuleStoreContract('mongodb', rules.factory, rules.cleanup);
  const leases = port((s) => s.leases);
  describeLeaseStoreContract('mongodb', leases.factory, leases.cleanup);

  describe('MongoDB retained index', () => {
    it('answers a narrow filter over 100,000 retained topics with exactly its matches', async () => {
      const store = await retained.factory();
      try {
        for (let i = 0; i < 100; i++) {
          await Promise.all(Array.from({ length: 1000 }, (_, j) => store.set(retainedMessage(`dev/${i}/sensor/${j}`))));
        }
        for (const topic of ['a/b/1', 'a/b/2', 'a/b/3/deeper', 'a/c/1']) await store.set(retainedMessage(topic));
        expect((await store.match('a/b/+')).map((m) => m.topic).sort()).toEqual(['a/b/1', 'a/b/2']);
        expect(await store.match('dev/+/sensor/42')).toHaveLength(100);
      } finally {
        await retained.cleanup(store);
      }
    }, 300_000);
  });
}
