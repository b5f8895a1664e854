import { pbkdf2Sync } from 'node:crypto';
import { checkPasswordHash, DEFAULT_HASHING, hashPassword, PBKDF2_ITERATIONS, verifyPassword, type HashingOptions } from './password-hash';

// Cheap parameters so the suite stays fast; the defaults are checked separately.
const cheapArgon: HashingOptions = { ...DEFAULT_HASHING, argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 } };
const cheapPbkdf2: HashingOptions = { ...DEFAULT_HASHING, algorithm: 'pbkdf2-sha512', pbkdf2Iterations: 1000 };

describe('password hashes', () => {
  it('defaults to argon2id t=1 m=47104 p=1 and PBKDF2-SHA512 with at least 210,000 iterations (OWASP)', async () => {
    expect(DEFAULT_HASHING.algorithm).toBe('argon2id');
    expect(PBKDF2_ITERATIONS).toBeGreaterThanOrEqual(210_000);
    const phc = await hashPassword('secret');
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=47104,t=1,p=1\$/);
    expect(await verifyPassword(phc, Buffer.from('secret'))).toBe(true);
  });

  it.each([
    ['argon2id', cheapArgon, /^\$argon2id\$v=19\$m=1024,t=1,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/],
    ['pbkdf2-sha512', cheapPbkdf2, /^\$pbkdf2-sha512\$i=1000\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/],
  ])('%s: writes a PHC string that verifies the right password only', async (_name, options, shape) => {
    const phc = await hashPassword('correct horse', options);
    expect(phc).toMatch(shape);
    expect(() => checkPasswordHash(phc)).not.toThrow();
    expect(await verifyPassword(phc, Buffer.from('correct horse'))).toBe(true);
    expect(await verifyPassword(phc, Buffer.from('correct hors'))).toBe(false);
    expect(await verifyPassword(phc, Buffer.alloc(0))).toBe(false);
    // A fresh salt each time.
    expect(await hashPassword('correct horse', options)).not.toBe(phc);
  });

  it('verifies a PBKDF2-SHA512 hash made elsewhere from its PHC fields', async () => {
    const salt = Buffer.from('0123456789abcdef');
    const key = pbkdf2Sync('pw', salt, 2000, 64, 'sha512');
    const phc = `$pbkdf2-sha512$i=2000$${salt.toString('base64').replace(/=+$/, '')}$${key.toString('base64').replace(/=+$/, '')}`;
    expect(await verifyPassword(phc, Buffer.from('pw'))).toBe(true);
    expect(await verifyPassword(phc, Buffer.from('pW'))).toBe(false);
  });

  it.each([
    'plain-text',
    '$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g',
    '$pbkdf2-sha512$i=0$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g',
    '$pbkdf2-sha512$i=99999999$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g',
    '$pbkdf2-sha256$i=1000$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g',
  ])('refuses the hash %j at start and never verifies against it', async (phc) => {
    expect(() => checkPasswordHash(phc)).toThrow(/PHC/);
    if (!phc.startsWith('$pbkdf2-sha512$i=9')) expect(await verifyPassword(phc, Buffer.from('x'))).toBe(false);
  });
});
