import { pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { AuthenticateRequest } from '@mqp/contracts';
import { IGNORE, type AuthProvider, type ProviderDecision } from './auth-provider';

const pbkdf2Async = promisify(pbkdf2);

/** OWASP Password Storage Cheat Sheet (and Mosquitto 2.1 / HiveMQ): PBKDF2-HMAC-SHA512 with at least 210,000 iterations. */
export const PBKDF2_ITERATIONS = 210_000;
const DIGEST = 'sha512';
const KEY_BYTES = 64;
const SALT_BYTES = 16;

export interface ConfigUser {
  username: string;
  password: string;
  superuser: boolean;
}

interface HashedUser {
  salt: Buffer;
  key: Buffer;
  superuser: boolean;
}

/**
 * Users listed in `auth.users`. The config holds plain-text passwords, so
 * they are hashed once at start and the plain text is not kept; a CONNECT
 * password is run through the same derivation and compared in constant time.
 */
export class ConfigUsersProvider implements AuthProvider {
  readonly name = 'config-users';
  // Keyed by username, a client-controlled string: a Map.
  private readonly users = new Map<string, HashedUser>();
  private pending: ConfigUser[] | undefined;
  private readonly iterations: number;
  /** Used for unknown usernames so that they cost the same time as known ones (no user enumeration by timing). */
  private readonly decoy = { salt: randomBytes(SALT_BYTES) };

  constructor(users: readonly ConfigUser[], options: { iterations?: number } = {}) {
    this.pending = users.map((u) => ({ ...u }));
    this.iterations = options.iterations ?? PBKDF2_ITERATIONS;
  }

  isSuperuser(username: string | undefined): boolean {
    return username !== undefined && this.users.get(username)?.superuser === true;
  }

  async start(): Promise<void> {
    const users = this.pending;
    this.pending = undefined;
    if (!users) return;
    // pbkdf2 runs on the libuv thread pool, so hashing many users does not block the event loop.
    await Promise.all(
      users.map(async (user) => {
        const salt = randomBytes(SALT_BYTES);
        const key = await this.derive(Buffer.from(user.password, 'utf8'), salt);
        this.users.set(user.username, { salt, key, superuser: user.superuser });
      }),
    );
  }

  async authenticate(req: AuthenticateRequest): Promise<ProviderDecision> {
    if (req.username === undefined) return IGNORE;
    const user = this.users.get(req.username);
    const password = req.password ?? Buffer.alloc(0);
    if (!user) {
      await this.derive(password, this.decoy.salt);
      return IGNORE;
    }
    const key = await this.derive(password, user.salt);
    // Both keys have KEY_BYTES bytes, as timingSafeEqual requires.
    if (req.password === undefined || !timingSafeEqual(key, user.key)) return { decision: 'deny', reason: 'bad_credentials' };
    return { decision: 'allow', superuser: user.superuser };
  }

  private derive(password: Buffer, salt: Buffer): Promise<Buffer> {
    return pbkdf2Async(password, salt, this.iterations, KEY_BYTES, DIGEST);
  }
}
