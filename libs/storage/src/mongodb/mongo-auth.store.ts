import { randomBytes } from 'node:crypto';
import type { Collection } from 'mongodb';
import type { AuthStore, StoredAclRule, StoredBan, StoredUser } from '../auth.store';
import { banKey } from '../memory-auth.store';

export type UserDocument = StoredUser & { _id: string };
export type BanDocument = StoredBan & { _id: string };
/** The auth-settings collection: the ACL (`_id: 'acl'`) and the revision stamp (`_id: 'revision'`). */
export type AclDocument = { _id: 'acl'; rules: StoredAclRule[] } | { _id: 'revision'; stamp: string };

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
    await this.bump();
  }

  async deleteUser(username: string): Promise<void> {
    await this.users.deleteOne({ _id: username });
    await this.bump();
  }

  async listUsers(): Promise<StoredUser[]> {
    return (await this.users.find().toArray()).map(withoutId);
  }

  async getAcl(): Promise<StoredAclRule[]> {
    const doc = await this.settings.findOne({ _id: 'acl' });
    return doc && 'rules' in doc ? doc.rules : [];
  }

  async setAcl(rules: readonly StoredAclRule[]): Promise<void> {
    await this.settings.replaceOne({ _id: 'acl' }, { rules: [...rules] }, { upsert: true });
    await this.bump();
  }

  async putBan(ban: StoredBan): Promise<void> {
    await this.bans.replaceOne({ _id: banKey(ban.kind, ban.value) }, ban, { upsert: true });
    await this.bump();
  }

  async deleteBan(kind: StoredBan['kind'], value: string): Promise<void> {
    await this.bans.deleteOne({ _id: banKey(kind, value) });
    await this.bump();
  }

  async listBans(): Promise<StoredBan[]> {
    return (await this.bans.find().toArray()).map(withoutId);
  }

  async revision(): Promise<string> {
    const doc = await this.settings.findOne({ _id: 'revision' });
    return doc && 'stamp' in doc ? doc.stamp : '';
  }

  /** After the change it announces; a random stamp, so concurrent writers need no read-modify-write. */
  private async bump(): Promise<void> {
    await this.settings.replaceOne({ _id: 'revision' }, { stamp: randomBytes(8).toString('hex') }, { upsert: true });
  }
}

function withoutId<T extends { _id: string }>(doc: T): Omit<T, '_id'> {
  const { _id, ...rest } = doc;
  return rest;
}
