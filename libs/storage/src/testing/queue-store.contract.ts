import type { Message, QoS } from '@mqp/model';
import type { QueueStore } from '../queue.store';
import type { StoredDelivery } from '../session.store';

/** The behaviour every QueueStore adapter must show; see describeRetainedStoreContract for the shape. */
export function describeQueueStoreContract(
  name: string,
  factory: () => QueueStore | Promise<QueueStore>,
  cleanup?: (store: QueueStore) => Promise<void> | void,
): void {
  describe(`QueueStore contract: ${name}`, () => {
    let store: QueueStore;

    beforeEach(async () => {
      store = await factory();
    });

    afterEach(async () => {
      await cleanup?.(store);
    });

    const idsOf = async (clientId: string, limit?: number): Promise<string[]> => (await store.list(clientId, limit)).map((e) => e.message.id);

    it('lists appended entries in order with increasing seqs, intact', async () => {
      const first = await store.append('c1', queued('m1', 'one', 2));
      const second = await store.append('c1', queued('m2', 'two'));
      expect(first).toBeDefined();
      expect(second).toBeGreaterThan(first!);
      const entries = await store.list('c1');
      expect(entries.map((e) => e.seq)).toEqual([first, second]);
      expect(entries[0]?.qos).toBe(2);
      expect(entries[0]?.message.payload.toString()).toBe('one');
      expect(Buffer.isBuffer(entries[0]?.message.payload)).toBe(true);
      expect(entries[0]?.message.properties).toEqual({ userProperties: [['k', 'v']] });
      expect(await store.list('other')).toEqual([]);
    });

    it('gives concurrent appends distinct seqs and loses none', async () => {
      const seqs = await Promise.all(Array.from({ length: 50 }, (_, i) => store.append('c1', queued(`m${i}`))));
      expect(new Set(seqs).size).toBe(50);
      expect((await idsOf('c1')).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `m${i}`).sort());
      expect(await store.stats('c1')).toEqual({ count: 50, bytes: 50 });
    });

    it('appends a batch in order as one write, skipping ids already queued or repeated in the batch', async () => {
      await store.append('c1', queued('m1'));
      expect(await store.appendMany('c1', [queued('m2', 'two'), queued('m1'), queued('m3'), queued('m2')])).toBe(2);
      expect(await idsOf('c1')).toEqual(['m1', 'm2', 'm3']);
      expect(await store.stats('c1')).toEqual({ count: 3, bytes: 5 });
      expect(await store.appendMany('c1', [])).toBe(0);
      const seqs = (await store.list('c1')).map((e) => e.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(await store.append('c1', queued('m4'))).toBeGreaterThan(seqs[2]!);
    });

    it('loses nothing across concurrent batches, each kept in its own order', async () => {
      const batches = Array.from({ length: 5 }, (_, b) => Array.from({ length: 20 }, (_, i) => queued(`m${b * 20 + i}`)));
      const added = await Promise.all(batches.map((batch) => store.appendMany('c1', batch)));
      expect(added).toEqual([20, 20, 20, 20, 20]);
      const ids = await idsOf('c1');
      expect([...ids].sort()).toEqual(batches.flat().map((e) => e.message.id).sort());
      for (const batch of batches) {
        const positions = batch.map((e) => ids.indexOf(e.message.id));
        expect(positions).toEqual([...positions].sort((a, b) => a - b));
      }
    });

    it('lists at most limit entries, oldest first', async () => {
      for (let i = 1; i <= 5; i++) await store.append('c1', queued(`m${i}`));
      expect(await idsOf('c1', 2)).toEqual(['m1', 'm2']);
    });

    it('keeps seq order past 9 and 99 (numeric, not lexical)', async () => {
      for (let i = 1; i <= 120; i++) await store.append('c1', queued(`m${i}`));
      const ids = await idsOf('c1');
      expect(ids).toHaveLength(120);
      expect(ids.slice(8, 11)).toEqual(['m9', 'm10', 'm11']);
      expect(ids[119]).toBe('m120');
    });

    it('refuses a message id already queued for the client, but not for another client', async () => {
      expect(await store.append('c1', queued('m1'))).toBeDefined();
      expect(await store.append('c1', queued('m1'))).toBeUndefined();
      expect(await store.append('c2', queued('m1'))).toBeDefined();
      expect(await idsOf('c1')).toEqual(['m1']);
    });

    it('removes entries by seq and then accepts their message ids again', async () => {
      const s1 = await store.append('c1', queued('m1'));
      await store.append('c1', queued('m2'));
      const s3 = await store.append('c1', queued('m3'));
      await store.remove('c1', [s1!, s3!, 9999]);
      expect(await idsOf('c1')).toEqual(['m2']);
      expect(await store.stats('c1')).toEqual({ count: 1, bytes: 1 });
      expect(await store.append('c1', queued('m1'))).toBeDefined();
      expect(await idsOf('c1')).toEqual(['m2', 'm1']);
    });

    it('trims the oldest entries to the count limit and returns how many it dropped', async () => {
      for (let i = 1; i <= 5; i++) await store.append('c1', queued(`m${i}`));
      expect(await store.trim('c1', 3, Number.MAX_SAFE_INTEGER)).toBe(2);
      expect(await idsOf('c1')).toEqual(['m3', 'm4', 'm5']);
      expect(await store.trim('c1', 3, Number.MAX_SAFE_INTEGER)).toBe(0);
      expect(await store.trim('nobody', 0, 0)).toBe(0);
    });

    it('trims the oldest entries to the byte limit (payload bytes)', async () => {
      await store.append('c1', queued('m1', 'aaaa'));
      await store.append('c1', queued('m2', 'bbbb'));
      await store.append('c1', queued('m3', 'cc'));
      expect(await store.stats('c1')).toEqual({ count: 3, bytes: 10 });
      expect(await store.trim('c1', 100, 6)).toBe(1);
      expect(await idsOf('c1')).toEqual(['m2', 'm3']);
      expect(await store.stats('c1')).toEqual({ count: 2, bytes: 6 });
    });

    it('clears one client without touching another', async () => {
      await store.append('c1', queued('m1'));
      await store.append('c2', queued('m2'));
      await store.clear('c1');
      expect(await store.list('c1')).toEqual([]);
      expect(await store.stats('c1')).toEqual({ count: 0, bytes: 0 });
      expect(await idsOf('c2')).toEqual(['m2']);
      expect(await store.append('c1', queued('m1'))).toBeDefined();
    });

    it('clears a queue however its entries came: one by one, in a batch, or after it was emptied and refilled', async () => {
      await store.appendMany('batch', [queued('m1'), queued('m2')]);
      await store.append('refilled', queued('m3'));
      await store.remove('refilled', (await store.list('refilled')).map((e) => e.seq));
      await store.append('refilled', queued('m4'));
      await store.clear('batch');
      await store.clear('refilled');
      await store.clear('never-queued');
      for (const clientId of ['batch', 'refilled', 'never-queued']) {
        expect(await store.list(clientId)).toEqual([]);
        expect(await store.stats(clientId)).toEqual({ count: 0, bytes: 0 });
      }
      // nothing of a cleared queue is left: its message ids are new again
      expect(await store.appendMany('batch', [queued('m1'), queued('m2')])).toBe(2);
    });

    it('keeps client ids that prefix one another apart', async () => {
      await store.append('a', queued('m1'));
      await store.append('ab', queued('m2'));
      await store.append('a\u0001', queued('m3'));
      expect(await idsOf('a')).toEqual(['m1']);
      expect(await idsOf('ab')).toEqual(['m2']);
      await store.clear('a');
      expect(await idsOf('ab')).toEqual(['m2']);
      expect(await idsOf('a\u0001')).toEqual(['m3']);
    });

    it('handles client ids named like Object.prototype members', async () => {
      await store.append('__proto__', queued('m1'));
      expect(await idsOf('__proto__')).toEqual(['m1']);
      expect(await store.list('constructor')).toEqual([]);
      expect(await store.stats('toString')).toEqual({ count: 0, bytes: 0 });
    });
  });
}

export function queued(id: string, payload = 'x', qos: QoS = 1): StoredDelivery {
  const message: Message = {
    id,
    topic: 'q/t',
    payload: Buffer.from(payload),
    qos,
    retain: false,
    origin: { clientId: 'pub', gatewayId: 'gw-1' },
    createdAt: 1_700_000_000_000,
    properties: { userProperties: [['k', 'v']] },
  };
  return { message, qos };
}
