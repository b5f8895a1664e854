import type { RuleStore } from '../rule.store';

/** The behaviour every RuleStore adapter must show; see describeRetainedStoreContract for the shape. */
export function describeRuleStoreContract(
  name: string,
  factory: () => RuleStore | Promise<RuleStore>,
  cleanup?: (store: RuleStore) => Promise<void> | void,
): void {
  describe(`RuleStore contract: ${name}`, () => {
    let store: RuleStore;

    beforeEach(async () => {
      store = await factory();
    });

    afterEach(async () => {
      await cleanup?.(store);
    });

    it('returns a JSON document by id as it was put, nested values and odd keys included', async () => {
      const rule = { id: 'r1', sql: 'SELECT * FROM "a/#"', enabled: true, actions: [{ type: 'webhook', url: 'http://127.0.0.1/x', headers: { $odd: 'k', 'a.b': 1 } }], n: null };
      await store.put(rule);
      expect(await store.get('r1')).toEqual(rule);
      expect(await store.get('r2')).toBeUndefined();
    });

    it('replaces, lists and deletes by id', async () => {
      await store.put({ id: 'r1', v: 1 });
      await store.put({ id: 'r1', v: 2 });
      await store.put({ id: '__proto__', v: 3 });
      expect((await store.list()).map((r) => r.id).sort()).toEqual(['__proto__', 'r1']);
      expect((await store.get('r1'))?.v).toBe(2);
      await store.delete('r1');
      await store.delete('unknown');
      expect((await store.list()).map((r) => r.id)).toEqual(['__proto__']);
    });
  });
}
