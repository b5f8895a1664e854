import { randomBytes } from 'node:crypto';
import type { Database } from 'lmdb';
import type { AuthStore, StoredAclRule, StoredBan, StoredUser } from '../auth.store';
import { banKey } from '../memory-auth.store';

const ACL_KEY = 'acl';
const REVISION_KEY = 'revision';

/** What the settings database holds: the ACL under `acl`, the revision stamp under `revision`. */
export type AuthSettingsValue = StoredAclRule[] | string;

/** Users, bans (keyed by kind and value) and the ACL (one ordered list under one key) in LMDB. */
export class LmdbAuthStore implements AuthStore {
  constructor(
    private readonly users: Database<StoredUser, string>,
    private readonly bans: Database<StoredBan, string>,
    private readonly settings: Database<AuthSettingsValue, string>,
  ) {}

  async getUser(username: string): Promise<StoredUser | undefined> {
    return this.users.get(username);
  }

  async putUser(user: StoredUser): Promise<void> {
    await Promise.all([this.users.put(user.username, user), this.bump()]);
  }

  async deleteUser(username: string): Promise<void> {
    await Promise.all([this.users.remove(username), this.bump()]);
  }

  async listUsers(): Promise<StoredUser[]> {
    return [...this.users.getRange()].map(({ value }) => value);
  }

  async getAcl(): Promise<StoredAclRule[]> {
    const rules = this.settings.get(ACL_KEY);
    return Array.isArray(rules) ? rules : [];
  }

  async setAcl(rules: readonly StoredAclRule[]): Promise<void> {
    await Promise.all([this.settings.put(ACL_KEY, [...rules]), this.bump()]);
  }

  async putBan(ban: StoredBan): Promise<void> {
    await Promise.all([this.bans.put(banKey(ban.kind, ban.value), ban), this.bump()]);
  }

  async deleteBan(kind: StoredBan['kind'], value: string): Promise<void> {
    await Promise.all([this.bans.remove(banKey(kind, value)), this.bump()]);
  }

  async listBans(): Promise<StoredBan[]> {
    return [...this.bans.getRange()].map(({ value }) => value);
  }

  async revision(): Promise<string> {
    const stamp = this.settings.get(REVISION_KEY);
    return typeof stamp === 'string' ? stamp : '';
  }

  /**
   * A new random stamp, not a counter: two processes writing at once (the CLI
   * and the platform) need no read-modify-write. Put in the same event turn
   * as the change, so lmdb-js commits both in one transaction.
   */
  private bump(): Promise<boolean> {
    return this.settings.put(REVISION_KEY, randomBytes(8).toString('hex'));
  }
}
