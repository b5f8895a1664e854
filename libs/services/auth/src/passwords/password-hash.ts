import { pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { Algorithm, hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';

const pbkdf2Async = promisify(pbkdf2);

/**
 * Password hashes are PHC strings (https://github.com/P-H-C/phc-string-format):
 *   $argon2id$v=19$m=47104,t=1,p=1$<salt>$<hash>
 *   $pbkdf2-sha512$i=210000$<salt>$<hash>
 * salt and hash in unpadded standard base64, as the PHC format and the
 * argon2 reference implementation write them.
 */
export type PasswordAlgorithm = 'argon2id' | 'pbkdf2-sha512';

export interface HashingOptions {
  /** For new hashes; verification follows the algorithm named in the hash. */
  algorithm: PasswordAlgorithm;
  /** Argon2id cost: memory in KiB, passes, lanes. */
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
  pbkdf2Iterations: number;
}

/**
 * HOSTILE-INPUTS.md "password hashing": argon2id t=1, m=47104 KiB, p=1
 * (the OWASP Password Storage Cheat Sheet minimum; Mosquitto 2.1), or
 * PBKDF2-HMAC-SHA512 with at least 210,000 iterations (OWASP).
 */
export const DEFAULT_HASHING: HashingOptions = {
  algorithm: 'argon2id',
  argon2: { memoryCost: 47_104, timeCost: 1, parallelism: 1 },
  pbkdf2Iterations: 210_000,
};
export const PBKDF2_ITERATIONS = DEFAULT_HASHING.pbkdf2Iterations;

const SALT_BYTES = 16;
const PBKDF2_KEY_BYTES = 64;
/** Above this a hash from the config would let one CONNECT burn seconds of CPU; 10x the default is plenty. */
const MAX_PBKDF2_ITERATIONS = 10_000_000;
const PBKDF2_PHC = /^\$pbkdf2-sha512\$i=(\d{1,8})\$([A-Za-z0-9+/]{11,})\$([A-Za-z0-9+/]{22,})$/;
const ARGON2_PHC = /^\$argon2id\$v=19\$m=\d{1,8},t=\d{1,4},p=\d{1,3}\$[A-Za-z0-9+/]{11,}\$[A-Za-z0-9+/]{22,}$/;

const b64 = (buf: Buffer): string => buf.toString('base64').replace(/=+$/, '');

export async function hashPassword(password: string | Buffer, options: HashingOptions = DEFAULT_HASHING): Promise<string> {
  const bytes = typeof password === 'string' ? Buffer.from(password, 'utf8') : password;
  if (options.algorithm === 'argon2id') {
    return argon2Hash(bytes, { algorithm: Algorithm.Argon2id, ...options.argon2 });
  }
  const salt = randomBytes(SALT_BYTES);
  const key = await pbkdf2Async(bytes, salt, options.pbkdf2Iterations, PBKDF2_KEY_BYTES, 'sha512');
  return `$pbkdf2-sha512$i=${options.pbkdf2Iterations}$${b64(salt)}$${b64(key)}`;
}

/** Throws when `phc` is not a hash this module can verify; used at start so a bad config fails at boot. */
export function checkPasswordHash(phc: string): void {
  if (ARGON2_PHC.test(phc)) return;
  const m = PBKDF2_PHC.exec(phc);
  if (m && Number(m[1]) >= 1 && Number(m[1]) <= MAX_PBKDF2_ITERATIONS) return;
  throw new Error('not a supported PHC password hash (expected $argon2id$v=19$m=…,t=…,p=…$salt$hash or $pbkdf2-sha512$i=…$salt$hash)');
}

/**
 * Whether `password` matches `phc`, compared in constant time: argon2 compares
 * in its Rust implementation (`password-hash` constant-time equality), PBKDF2
 * with `timingSafeEqual`. Both derivations run off the event loop.
 */
export async function verifyPassword(phc: string, password: Buffer): Promise<boolean> {
  if (phc.startsWith('$argon2id$')) {
    try {
      return await argon2Verify(phc, password);
    } catch {
      return false;
    }
  }
  const m = PBKDF2_PHC.exec(phc);
  if (!m) return false;
  const [, iterations, salt, hash] = m as unknown as [string, string, string, string];
  if (Number(iterations) < 1 || Number(iterations) > MAX_PBKDF2_ITERATIONS) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await pbkdf2Async(password, Buffer.from(salt, 'base64'), Number(iterations), expected.length, 'sha512');
  return timingSafeEqual(key, expected);
}
