import type { AuthStore, StoredAclRule, StoredBan, StoredUser } from './auth.store';

/** In-memory AuthStore; copies in and out like the other memory adapters. */
export class MemoryAuthStore implements AuthStore {
  // Keyed by client-controlled strings: Maps.
  private readonly users = new Map<string, StoredUser>();
  private readonly bans = new Map<string, StoredBan>();
  private acl: StoredAclRule[] = [];
  private changes = 0;

  async getUser(username: string): Promise<StoredUser | undefined> {
    const user = this.users.get(username);
    return user ? copyUser(user) : undefined;
  }

  async putUser(user: StoredUser): Promise<void> {
    this.users.set(user.username, copyUser(user));
    this.changes++;
  }

  async deleteUser(username: string): Promise<void> {
    if (this.users.delete(username)) this.changes++;
  }

  async listUsers(): Promise<StoredUser[]> {
    return [...this.users.values()].map(copyUser);
  }

  async getAcl(): Promise<StoredAclRule[]> {
    return this.acl.map(copyRule);
  }

  async setAcl(rules: readonly StoredAclRule[]): Promise<void> {
    this.acl = rules.map(copyRule);
    this.changes++;
  }

  async putBan(ban: StoredBan): Promise<void> {
    this.bans.set(banKey(ban.kind, ban.value), { ...ban });
    this.changes++;
  }

  async deleteBan(kind: StoredBan['kind'], value: string): Promise<void> {
    if (this.bans.delete(banKey(kind, value))) this.changes++;
  }

  async listBans(): Promise<StoredBan[]> {
    return [...this.bans.values()].map((b) => ({ ...b }));
  }

  async revision(): Promise<string> {
    return String(this.changes);
  }
}

/** One key per (kind, value); the kind never contains the separator. */
export function banKey(kind: StoredBan['kind'], value: string): string {
  return `${kind}\u0000${value}`;
}

function copyUser(user: StoredUser): StoredUser {
  return user.scram ? { ...user, scram: { ...user.scram } } : { ...user };
}

function copyRule(rule: StoredAclRule): StoredAclRule {
  return { ...rule, topics: [...rule.topics] };
}
