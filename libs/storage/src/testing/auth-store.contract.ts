import type { AuthStore, StoredAclRule } from '../auth.store';

/** The behaviour every AuthStore adapter must show; see describeRetainedStoreContract for the shape. */
export function describeAuthStoreContract(
  name: string,
  factory: () => AuthStore | Promise<AuthStore>,
  cleanup?: (store: AuthStore) => Promise<void> | void,
): void {
  describe(`AuthStore contract: ${name}`, () => {
    let store: AuthStore;

    beforeEach(async () => {
      store = await factory();
    });

    afterEach(async () => {
      await cleanup?.(store);
    });

    const hash = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA';

    it('puts, replaces, gets, lists and deletes users by username', async () => {
      await store.putUser({ username: 'alice', passwordHash: hash, superuser: false });
      await store.putUser({ username: 'alice', passwordHash: hash, superuser: true });
      await store.putUser({ username: '__proto__', passwordHash: hash, superuser: false });
      expect(await store.getUser('alice')).toEqual({ username: 'alice', passwordHash: hash, superuser: true });
      expect(await store.getUser('constructor')).toBeUndefined();
      expect((await store.listUsers()).map((u) => u.username).sort()).toEqual(['__proto__', 'alice']);
      await store.deleteUser('alice');
      await store.deleteUser('nobody');
      expect(await store.getUser('alice')).toBeUndefined();
      expect(await store.listUsers()).toHaveLength(1);
    });

    it('keeps the ACL as one ordered list, replaced as a whole', async () => {
      expect(await store.getAcl()).toEqual([]);
      const rules: StoredAclRule[] = [
        { permission: 'deny', action: 'publish', topics: ['secret/#'], username: 'bob' },
        { permission: 'allow', action: 'all', topics: ['${clientid}/#', 'eq a/+'] },
        { permission: 'allow', action: 'subscribe', topics: ['x'], ipaddr: '10.0.0.0/8', clientid: 'c1' },
      ];
      await store.setAcl(rules);
      expect(await store.getAcl()).toEqual(rules);
      await store.setAcl([rules[1]!]);
      expect(await store.getAcl()).toEqual([rules[1]]);
    });

    it('is not changed by mutating a rule list after set or get', async () => {
      const rules: StoredAclRule[] = [{ permission: 'allow', action: 'all', topics: ['a'] }];
      await store.setAcl(rules);
      rules[0]!.topics.push('mutated');
      (await store.getAcl())[0]!.topics.length = 0;
      expect((await store.getAcl())[0]?.topics).toEqual(['a']);
    });

    it('keeps the SCRAM credentials of a user', async () => {
      const scram = { salt: 'c2FsdA==', iterations: 4096, storedKey: 'c3RvcmVk', serverKey: 'c2VydmVy' };
      await store.putUser({ username: 'carol', passwordHash: hash, superuser: false, scram });
      expect(await store.getUser('carol')).toEqual({ username: 'carol', passwordHash: hash, superuser: false, scram });
    });

    it('changes its revision stamp with every write of users, ACL and bans', async () => {
      const seen = new Set([await store.revision()]);
      const writes: (() => Promise<void>)[] = [
        () => store.putUser({ username: 'alice', passwordHash: hash, superuser: false }),
        () => store.setAcl([{ permission: 'allow', action: 'all', topics: ['#'] }]),
        () => store.putBan({ kind: 'clientid', value: 'c1' }),
        () => store.deleteBan('clientid', 'c1'),
        () => store.deleteUser('alice'),
      ];
      for (const write of writes) {
        await write();
        const stamp = await store.revision();
        expect(seen.has(stamp)).toBe(false);
        seen.add(stamp);
      }
      // reads leave it alone
      await store.listUsers();
      await store.getAcl();
      expect(seen.has(await store.revision())).toBe(true);
    });

    it('keeps one ban per kind and value', async () => {
      await store.putBan({ kind: 'clientid', value: 'c1', reason: 'first' });
      await store.putBan({ kind: 'clientid', value: 'c1', until: 1_900_000_000_000, reason: 'second', source: 'api' });
      await store.putBan({ kind: 'username', value: 'c1' });
      await store.putBan({ kind: 'ipaddr', value: '10.0.0.0/8', source: 'config' });
      const bans = await store.listBans();
      expect(bans).toHaveLength(3);
      expect(bans.find((b) => b.kind === 'clientid')).toEqual({ kind: 'clientid', value: 'c1', until: 1_900_000_000_000, reason: 'second', source: 'api' });
      await store.deleteBan('clientid', 'c1');
      await store.deleteBan('ipaddr', 'unknown');
      expect((await store.listBans()).map((b) => `${b.kind}:${b.value}`).sort()).toEqual(['ipaddr:10.0.0.0/8', 'username:c1']);
    });
  });
}
