import type { Database } from 'lmdb';
import type { AuthStore, StoredAclRule, StoredBan, StoredUser } from '../auth.store';
import { banKey } from '../memory-auth.store';

const ACL_KEY = 'acl';

/** Users, bans (keyed by kind and value) and the ACL (one ordered list under one key) in LMDB. */
export class LmdbAuthStore implements AuthStore {
  constructor(
    private readonly users: Database<StoredUser, string>,
    private readonly bans: Database<StoredBan, string>,
    private readonly settings: Database<StoredAclRule[], string>,
  ) {}

  async getUser(username: string): Promise<StoredUser | undefined> {
    return this.users.get(username);
  }

  async putUser(user: StoredUser): Promise<void> {
    await this.users.put(user.username, user);
  }

  async deleteUser(username: string): Promise<void> {
    await this.users.remove(username);
  }

  async listUsers(): Promise<StoredUser[]> {
    return [...this.users.getRange()].map(({ value }) => value);
  }

  async getAcl(): Promise<StoredAclRule[]> {
    return this.settings.get(ACL_KEY) ?? [];
  }

  async setAcl(rules: readonly StoredAclRule[]): Promise<void> {
    await this.settings.put(ACL_KEY, [...rules]);
  }

  async putBan(ban: StoredBan): Promise<void> {
    await this.bans.put(banKey(ban.kind, ban.value), ban);
  }

  async deleteBan(kind: StoredBan['kind'], value: string): Promise<void> {
    await this.bans.remove(banKey(kind, value));
  }

  async listBans(): Promise<StoredBan[]> {
    return [...this.bans.getRange()].map(({ value }) => value);
  }
}
