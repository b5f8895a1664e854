import type { Message } from '@mqp/model';
import type { PersistentSessionRecord, SessionStore } from '../session.store';

/** The behaviour every SessionStore adapter must show; see describeRetainedStoreContract for the shape. */
export function describeSessionStoreContract(
  name: string,
  factory: () => SessionStore | Promise<SessionStore>,
  cleanup?: (store: SessionStore) => Promise<void> | void,
): void {
  describe(`SessionStore contract: ${name}`, () => {
    let store: SessionStore;

    beforeEach(async () => {
      store = await factory();
    });

    afterEach(async () => {
      await cleanup?.(store);
    });

    it('returns what was put, by client id', async () => {
      const record = sessionRecord('c1');
      await store.put(record);
      expect(await store.get('c1')).toEqual(record);
      expect(await store.get('c2')).toBeUndefined();
    });

    it('replaces the record of a client id on put', async () => {
      await store.put(sessionRecord('c1'));
      const newer = { ...sessionRecord('c1'), expiryInterval: 60, subscriptions: [], updatedAt: 2 };
      await store.put(newer);
      expect(await store.get('c1')).toEqual(newer);
      expect(await store.list()).toHaveLength(1);
    });

    it('deletes a record, and deleting an unknown id is a no-op', async () => {
      await store.put(sessionRecord('c1'));
      await store.delete('c1');
      await store.delete('never-stored');
      expect(await store.get('c1')).toBeUndefined();
      expect(await store.list()).toEqual([]);
    });

    it('lists every record', async () => {
      await store.put(sessionRecord('c1'));
      await store.put(sessionRecord('c2'));
      expect((await store.list()).map((r) => r.clientId).sort()).toEqual(['c1', 'c2']);
    });

    it('is not changed by mutating a record after put or get', async () => {
      const record = sessionRecord('c1');
      await store.put(record);
      record.subscriptions.push({ filter: 'mutated', qos: 0 });
      const got = await store.get('c1');
      got!.subscriptions.length = 0;
      expect((await store.get('c1'))?.subscriptions).toEqual([{ filter: 'a/#', qos: 1 }]);
    });

    it('keeps the full session state: subscription options, expiry, inflight with packet ids, awaiting PUBREL, will, pending, connection', async () => {
      const record = fullSessionRecord('c1');
      await store.put(record);
      const got = await store.get('c1');
      expect(got).toEqual(record);
      expect(Buffer.isBuffer(got?.inflight?.[0]?.message.payload)).toBe(true);
      expect(got?.inflight?.[0]?.message.payload.toString()).toBe('owed');
      expect(got?.will?.message.properties?.correlationData?.toString()).toBe('corr');
    });

    it('handles client ids named like Object.prototype members', async () => {
      await store.put(sessionRecord('__proto__'));
      await store.put(sessionRecord('constructor'));
      expect((await store.get('__proto__'))?.clientId).toBe('__proto__');
      expect(await store.get('toString')).toBeUndefined();
      expect(await store.list()).toHaveLength(2);
    });
  });
}

export function fullSessionRecord(clientId: string): PersistentSessionRecord {
  const message = (id: string, payload: string): Message => ({
    id,
    topic: 'a/b',
    payload: Buffer.from(payload),
    qos: 2,
    retain: false,
    origin: { clientId: 'pub', gatewayId: 'gw-1' },
    createdAt: 1_700_000_000_000,
    properties: { correlationData: Buffer.from('corr'), userProperties: [['k', 'v']] },
  });
  return {
    ...sessionRecord(clientId),
    subscriptions: [
      { filter: 'a/#', qos: 1 },
      { filter: 'b/+', qos: 2, noLocal: true, retainAsPublished: true, subscriptionId: 42 },
    ],
    expiresAt: 1_700_003_600_000,
    inflight: [
      { message: message('m1', 'owed'), qos: 2, packetId: 7 },
      { message: message('m2', 'released'), qos: 2, packetId: 8, released: true },
    ],
    awaitingRel: [3, 65535],
    will: { message: message('w1', 'gone'), dueAt: 1_700_000_030_000 },
    pending: [{ message: message('m3', 'unsent'), qos: 1 }],
    connection: { gatewayId: 'gw-1', connectionId: 'conn-7' },
  };
}

export function sessionRecord(clientId: string): PersistentSessionRecord {
  return { clientId, protocolVersion: 5, expiryInterval: 3600, subscriptions: [{ filter: 'a/#', qos: 1 }], updatedAt: 1_700_000_000_000 };
}
