import type { Collection } from 'mongodb';
import type { AuthStore, StoredAclRule, StoredBan, StoredUser } from '../auth.store';
import { banKey } from '../memory-auth.store';

export type UserDocument = StoredUser & { _id: string };
export type BanDocument = StoredBan & { _id: string };
export interface AclDocument {
  _id: 'acl';
  rules: StoredAclRule[];
}

/** Users (by username), bans (by kind and value) and the ACL (one ordered list in one document) in MongoDB. */
export class MongoAuthStore implements AuthStore {
  constructor(
    private readonly users: Collection<UserDocument>,
    private readonly bans: Collection<BanDocument>,
    private readonly settings: Collection<AclDocument>,
  ) {}

  async getUser(username: string): Promise<StoredUser | undefined> {
    const doc = await this.users.findOne({ _id: username });
    return doc ? withoutId(doc) : undefined;
  }

  async putUser(user: StoredUser): Promise<void> {
    await this.users.replaceOne({ _id: user.username }, user, { upsert: true });
  }

  async deleteUser(username: string): Promise<void> {
    await this.users.deleteOne({ _id: username });
  }

  async listUsers(): Promise<StoredUser[]> {
    return (await this.users.find().toArray()).map(withoutId);
  }

  async getAcl(): Promise<StoredAclRule[]> {
    return (await this.settings.findOne({ _id: 'acl' }))?.rules ?? [];
  }

  async setAcl(rules: readonly StoredAclRule[]): Promise<void> {
    await this.settings.replaceOne({ _id: 'acl' }, { rules: [...rules] }, { upsert: true });
  }

  async putBan(ban: StoredBan): Promise<void> {
    await this.bans.replaceOne({ _id: banKey(ban.kind, ban.value) }, ban, { upsert: true });
  }

  async deleteBan(kind: StoredBan['kind'], value: string): Promise<void> {
    await this.bans.deleteOne({ _id: banKey(kind, value) });
  }

  async listBans(): Promise<StoredBan[]> {
    return (await this.bans.find().toArray()).map(withoutId);
  }
}

function withoutId<T extends { _id: string }>(doc: T): Omit<T, '_id'> {
  const { _id, ...rest } = doc;
  return rest;
}
