/**
 * Prints a PHC password hash for `auth.users[].passwordHash` in the config file.
 *
 *   npx tsx tools/hash-password.ts                       reads the password from stdin (not left in shell history)
 *   npx tsx tools/hash-password.ts --algorithm pbkdf2-sha512 < password.txt
 *
 * argon2id (t=1, m=47104 KiB, p=1) by default; PBKDF2-SHA512 with 210,000
 * iterations on request. `mqp users add|remove|list` replaces this once the
 * embedded store keeps users.
 */
import { DEFAULT_HASHING, hashPassword, type PasswordAlgorithm } from '@mqp/service-auth';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // One trailing newline is what `echo` or an editor adds, not part of the password.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--algorithm');
  const algorithm = (at === -1 ? 'argon2id' : args[at + 1]) as PasswordAlgorithm;
  if (algorithm !== 'argon2id' && algorithm !== 'pbkdf2-sha512') {
    console.error('usage: tsx tools/hash-password.ts [--algorithm argon2id|pbkdf2-sha512] < password');
    process.exit(2);
  }
  if (process.stdin.isTTY) process.stderr.write('password (end with Enter, then Ctrl-D): ');
  const password = await readStdin();
  if (password.length === 0) {
    console.error('empty password');
    process.exit(2);
  }
  console.log(await hashPassword(password, { ...DEFAULT_HASHING, algorithm }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
