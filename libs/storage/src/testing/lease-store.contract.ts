import type { LeaseStore } from '../lease.store';

/** The behaviour every LeaseStore adapter must show; see describeRetainedStoreContract for the shape. */
export function describeLeaseStoreContract(
  name: string,
  factory: () => LeaseStore | Promise<LeaseStore>,
  cleanup?: (store: LeaseStore) => Promise<void> | void,
): void {
  describe(`LeaseStore contract: ${name}`, () => {
    let store: LeaseStore;

    beforeEach(async () => {
      store = await factory();
    });

    afterEach(async () => {
      await cleanup?.(store);
    });

    it('gives a free lease to the first owner and refuses it to another while it runs', async () => {
      expect(await store.acquire('capture:c1', 'a', 60_000)).toBe(true);
      expect(await store.acquire('capture:c1', 'b', 60_000)).toBe(false);
      expect(await store.holder('capture:c1')).toBe('a');
      expect(await store.holder('capture:c2')).toBeUndefined();
    });

    it('lets the owner renew its lease', async () => {
      expect(await store.acquire('l', 'a', 60_000)).toBe(true);
      expect(await store.acquire('l', 'a', 60_000)).toBe(true);
      expect(await store.holder('l')).toBe('a');
    });

    it('lets another owner take an expired lease (its holder died without releasing)', async () => {
      expect(await store.acquire('l', 'a', 20)).toBe(true);
      // waiting for the lease's own expiry: time passing is the event under test
      await new Promise((r) => setTimeout(r, 60));
      expect(await store.holder('l')).toBeUndefined();
      expect(await store.acquire('l', 'b', 60_000)).toBe(true);
      expect(await store.holder('l')).toBe('b');
      expect(await store.acquire('l', 'a', 60_000)).toBe(false);
    });

    it('frees a lease on release by its owner only', async () => {
      await store.acquire('l', 'a', 60_000);
      await store.release('l', 'b');
      expect(await store.holder('l')).toBe('a');
      await store.release('l', 'a');
      expect(await store.holder('l')).toBeUndefined();
      expect(await store.acquire('l', 'b', 60_000)).toBe(true);
      await store.release('never', 'a');
    });

    it('gives a lease to exactly one of many concurrent acquirers', async () => {
      const owners = Array.from({ length: 10 }, (_, i) => `o${i}`);
      const won = await Promise.all(owners.map((o) => store.acquire('race', o, 60_000)));
      expect(won.filter(Boolean)).toHaveLength(1);
      expect(await store.holder('race')).toBe(owners[won.indexOf(true)]);
    });

    it('handles names like Object.prototype members', async () => {
      expect(await store.acquire('__proto__', 'a', 60_000)).toBe(true);
      expect(await store.holder('constructor')).toBeUndefined();
    });
  });
}
