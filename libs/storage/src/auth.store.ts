/** A user of the built-in password provider. */
export interface StoredUser {
  username: string;
  /** PHC string (`$argon2id$...`); never a clear password. */
  passwordHash: string;
  superuser: boolean;
}

/** An ACL rule; same shape as `auth.acl` entries in the config. */
export interface StoredAclRule {
  permission: 'allow' | 'deny';
  username?: string;
  clientid?: string;
  ipaddr?: string;
  action: 'publish' | 'subscribe' | 'all';
  topics: string[];
}

/** A ban; same shape as `Ban` of @mqp/contracts. */
export interface StoredBan {
  kind: 'clientid' | 'username' | 'ipaddr';
  value: string;
  /** Milliseconds since the epoch when it ends; absent: never. */
  until?: number;
  reason?: string;
  source?: 'config' | 'api' | 'flapping';
}

/** Users, the ACL and bans. The ACL is one ordered list (rule order decides) and is replaced as a whole. */
export interface AuthStore {
  getUser(username: string): Promise<StoredUser | undefined>;
  /** Inserts or replaces the user `user.username`. */
  putUser(user: StoredUser): Promise<void>;
  deleteUser(username: string): Promise<void>;
  listUsers(): Promise<StoredUser[]>;
  getAcl(): Promise<StoredAclRule[]>;
  setAcl(rules: readonly StoredAclRule[]): Promise<void>;
  /** Inserts or replaces the ban of (`ban.kind`, `ban.value`). */
  putBan(ban: StoredBan): Promise<void>;
  deleteBan(kind: StoredBan['kind'], value: string): Promise<void>;
  listBans(): Promise<StoredBan[]>;
}
