/** A user of the built-in password provider. */
export interface StoredUser {
  username: string;
  /** PHC string (`$argon2id$...`); never a clear password. */
  passwordHash: string;
  superuser: boolean;
  /** SCRAM-SHA-256 credentials for MQTT 5 enhanced authentication (RFC 5802 §3 / RFC 7677); absent: the user cannot use SCRAM. */
  scram?: StoredScram;
}

/** What a server keeps to check SCRAM-SHA-256 without the password (RFC 5802 §3); binary fields base64. */
export interface StoredScram {
  salt: string;
  iterations: number;
  storedKey: string;
  serverKey: string;
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
  /**
   * An opaque stamp that changes with every write above (users, ACL, bans),
   * also when another process writes (the CLI next to a running platform):
   * the auth service polls it to notice changes without reading everything.
   */
  revision(): Promise<string>;
}
