import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import type { StoredScram } from '@mqp/storage';

/** RFC 7677 §4: 4096 is the least a SCRAM-SHA-256 server should ask for, and what most clients expect. */
export const SCRAM_DEFAULT_ITERATIONS = 4096;
/** RFC 5802 §5.1 leaves the salt length open; 16 random bytes is what RFC 7677's example and most servers use. */
const SALT_BYTES = 16;

/**
 * What a server stores for SCRAM-SHA-256 (RFC 5802 §3), from the password:
 * SaltedPassword = PBKDF2-HMAC-SHA-256(password, salt, i), ClientKey =
 * HMAC(SaltedPassword, "Client Key"), StoredKey = H(ClientKey), ServerKey =
 * HMAC(SaltedPassword, "Server Key"). The password and ClientKey are not kept:
 * StoredKey only checks a proof, it cannot make one.
 *
 * The password goes through `scramPreparePassword` (the part of SASLprep
 * that matters in practice, see there).
 */
export function deriveScramCredentials(password: string, iterations = SCRAM_DEFAULT_ITERATIONS, salt: Buffer = randomBytes(SALT_BYTES)): StoredScram {
  if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError(`SCRAM iterations must be a positive integer, got ${iterations}`);
  const keys = scramKeys(saltedPassword(password, salt, iterations));
  return { salt: salt.toString('base64'), iterations, storedKey: keys.storedKey.toString('base64'), serverKey: keys.serverKey.toString('base64') };
}

/** SaltedPassword := Hi(Normalize(password), salt, i) (RFC 5802 §3); Hi is PBKDF2 with one block of HMAC-SHA-256. */
export function saltedPassword(password: string, salt: Buffer, iterations: number): Buffer {
  return pbkdf2Sync(Buffer.from(scramPreparePassword(password), 'utf8'), salt, iterations, 32, 'sha256');
}

export function scramKeys(salted: Buffer): { clientKey: Buffer; storedKey: Buffer; serverKey: Buffer } {
  const clientKey = hmac(salted, 'Client Key');
  return { clientKey, storedKey: sha256(clientKey), serverKey: hmac(salted, 'Server Key') };
}

export function hmac(key: Buffer, data: string | Buffer): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

export function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

/**
 * RFC 5802 §2.2 Normalize(str) is SASLprep (RFC 4013). An ASCII password is
 * its own SASLprep output (control characters aside), and that is what
 * devices send; for others we apply the mapping steps of RFC 4013 §2.1 that
 * change real passwords (non-ASCII spaces → U+0020, "commonly mapped to
 * nothing" characters removed) and NFKC. The prohibited-output and bidi
 * checks of RFC 4013 are not applied: a password that SASLprep would refuse
 * is merely hashed as it is, on both sides if the client does the same.
 */
export function scramPreparePassword(password: string): string {
  if (/^[\x00-\x7f]*$/.test(password)) return password;
  return password
    .replace(NON_ASCII_SPACE, ' ')
    .replace(MAPPED_TO_NOTHING, '')
    .normalize('NFKC');
}

/** RFC 3454 table C.1.2. */
const NON_ASCII_SPACE = /[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000]/g;
/** RFC 3454 table B.1. */
const MAPPED_TO_NOTHING = /[\u00ad\u034f\u1806\u180b-\u180d\u200b-\u200d\u2060\ufe00-\ufe0f\ufeff]/g;
