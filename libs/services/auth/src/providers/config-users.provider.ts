import type { AuthenticateRequest } from '@mqp/contracts';
import { checkPasswordHash, DEFAULT_HASHING, hashPassword, verifyPassword, type HashingOptions } from '../passwords/password-hash';
import { IGNORE, type AuthProvider, type ProviderDecision } from './auth-provider';

export interface ConfigUser {
  username: string;
  /** Plain text: hashed at start, then dropped. */
  password?: string | undefined;
  /** A PHC string (argon2id or PBKDF2-SHA512). */
  passwordHash?: string | undefined;
  superuser: boolean;
}

export interface HashedUser {
  phc: string;
  superuser: boolean;
}

/** Finds a user kept elsewhere (the AuthStore, managed by `mqp users`), consulted after the config's users. */
export type UserLookup = (username: string) => HashedUser | undefined;

/**
 * Users listed in `auth.users`, then those of `lookup` (the store): a
 * username in both is the config's. Plain-text passwords are hashed once at
 * start with the default algorithm (argon2id) and the plain text is not kept;
 * given hashes are checked at start so a bad one fails at boot. A CONNECT
 * password is verified against the user's hash in constant time.
 */
export class ConfigUsersProvider implements AuthProvider {
  readonly name = 'users';
  // Keyed by username, a client-controlled string: a Map.
  private readonly users = new Map<string, HashedUser>();
  private pending: ConfigUser[] | undefined;
  private readonly hashing: HashingOptions;
  /** Verified against for unknown usernames, so they cost the same time as known ones (no user enumeration by timing). */
  private decoy = '';

  private readonly lookup: UserLookup;

  constructor(users: readonly ConfigUser[], options: { hashing?: Partial<HashingOptions>; lookup?: UserLookup } = {}) {
    this.pending = users.map((u) => ({ ...u }));
    this.hashing = { ...DEFAULT_HASHING, ...options.hashing };
    this.lookup = options.lookup ?? (() => undefined);
  }

  get size(): number {
    return this.users.size + (this.pending?.length ?? 0);
  }

  async start(): Promise<void> {
    const users = this.pending;
    this.pending = undefined;
    if (!users) return;
    for (const user of users) {
      if (user.passwordHash !== undefined) checkPasswordHash(user.passwordHash);
    }
    this.decoy = await hashPassword(Buffer.alloc(16), this.hashing);
    // Hashing runs on the libuv thread pool (argon2 in Rust, pbkdf2 in OpenSSL): the event loop stays free.
    await Promise.all(
      users.map(async (user) => {
        const phc = user.passwordHash ?? (await hashPassword(user.password ?? '', this.hashing));
        this.users.set(user.username, { phc, superuser: user.superuser });
      }),
    );
  }

  authenticate(req: AuthenticateRequest): ProviderDecision | Promise<ProviderDecision> {
    // no username (an anonymous client): decided at once, no promise
    if (req.username === undefined) return IGNORE;
    return this.verify(req, req.username);
  }

  private async verify(req: AuthenticateRequest, username: string): Promise<ProviderDecision> {
    const user = this.users.get(username) ?? this.lookup(username);
    const password = req.password ?? Buffer.alloc(0);
    if (!user) {
      if (this.decoy !== '') await verifyPassword(this.decoy, password);
      return IGNORE;
    }
    const ok = await verifyPassword(user.phc, password);
    if (req.password === undefined || !ok) return { decision: 'deny', reason: 'bad_credentials', detail: 'wrong password' };
    return { decision: 'allow', superuser: user.superuser };
  }
}
