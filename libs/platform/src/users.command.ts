import { DEFAULT_HASHING, hashPassword, type HashingOptions } from '@mqp/service-auth';
import type { AuthStore, StoredUser } from '@mqp/storage';
import { parseArgs, singleFlag, UsageError, type CommandOutput, type StoreFlags } from './store-command';

export type UsersCommand =
  | { action: 'add'; store: StoreFlags; username: string; password: { from: 'flag'; value: string } | { from: 'stdin' }; superuser: boolean; hash: 'argon2id' | 'pbkdf2' }
  | { action: 'remove'; store: StoreFlags; username: string }
  | { action: 'list'; store: StoreFlags };

export const USERS_USAGE = `usage: mqp users add <username> (--password P | --password-stdin) [--superuser] [--hash argon2id|pbkdf2]
       mqp users remove <username>
       mqp users list
       (each also takes --config FILE, --data-dir DIR, --mongodb URI, as mqp start)`;

/** The MQTT string limit [MQTT-1.5.4]: a longer username could never be sent in a CONNECT. */
const MAX_USERNAME_BYTES = 65_535;

/**
 * Refuses a username that cannot be sent or that would be dangerous in an
 * ACL placeholder: `+`, `#` and `/` would turn `${username}` into a wildcard
 * or extra levels [CVE-2017-7650]; U+0000 is not allowed in an MQTT string
 * [MQTT-1.5.4-2].
 */
export function validateUsername(username: string): string | undefined {
  if (username.length === 0) return 'the username is empty';
  if (/[+#/]/.test(username)) return 'a username must not contain +, # or / (they would widen ${username} in ACL rules)';
  if (username.includes('\u0000')) return 'a username must not contain U+0000';
  if (Buffer.byteLength(username, 'utf8') > MAX_USERNAME_BYTES) return `a username is at most ${MAX_USERNAME_BYTES} bytes`;
  return undefined;
}

export function parseUsersCommand(args: readonly string[]): UsersCommand {
  const [action, ...rest] = args;
  if (action === 'add') {
    const parsed = parseArgs(rest, ['password', 'hash'], ['password-stdin', 'superuser']);
    const username = onePositional(parsed.positional, 'users add');
    const problem = validateUsername(username);
    if (problem) throw new UsageError(problem);
    const flagPassword = singleFlag(parsed, 'password');
    const fromStdin = parsed.switches.has('password-stdin');
    if ((flagPassword !== undefined) === fromStdin) throw new UsageError('give exactly one of --password P and --password-stdin');
    if (flagPassword === '') throw new UsageError('the password is empty');
    const hash = singleFlag(parsed, 'hash') ?? 'argon2id';
    if (hash !== 'argon2id' && hash !== 'pbkdf2') throw new UsageError(`--hash is argon2id or pbkdf2, not "${hash}"`);
    return {
      action,
      store: parsed.store,
      username,
      password: flagPassword !== undefined ? { from: 'flag', value: flagPassword } : { from: 'stdin' },
      superuser: parsed.switches.has('superuser'),
      hash,
    };
  }
  if (action === 'remove') {
    const parsed = parseArgs(rest, []);
    return { action, store: parsed.store, username: onePositional(parsed.positional, 'users remove') };
  }
  if (action === 'list') {
    const parsed = parseArgs(rest, []);
    if (parsed.positional.length > 0) throw new UsageError(`unexpected argument "${parsed.positional[0]}"`);
    return { action, store: parsed.store };
  }
  throw new UsageError(action === undefined ? 'mqp users needs add, remove or list' : `unknown users command "${action}"`);
}

/** A password read from stdin: one line, its line ending removed (`echo pw | mqp users add …`). */
export function passwordFromStdin(text: string): string {
  const password = text.replace(/\r?\n$/, '');
  if (password === '') throw new UsageError('the password read from stdin is empty');
  if (password.includes('\n')) throw new UsageError('the password read from stdin has more than one line');
  return password;
}

export interface UsersDeps {
  store: AuthStore;
  output: CommandOutput;
  /** The password of `--password-stdin`. */
  readStdin: () => Promise<string>;
  /** Hash cost; tests lower it. */
  hashing?: Partial<HashingOptions>;
  /** Makes the SCRAM-SHA-256 credentials kept next to the hash, when that module is present. */
  deriveScram?: (password: string) => StoredUser['scram'];
}

/** Runs a parsed command. Never prints or logs a password or a hash. */
export async function runUsersCommand(cmd: UsersCommand, deps: UsersDeps): Promise<void> {
  const { store, output } = deps;
  if (cmd.action === 'add') {
    const password = cmd.password.from === 'flag' ? cmd.password.value : passwordFromStdin(await deps.readStdin());
    const hashing: HashingOptions = { ...DEFAULT_HASHING, ...deps.hashing, algorithm: cmd.hash === 'pbkdf2' ? 'pbkdf2-sha512' : 'argon2id' };
    const user: StoredUser = { username: cmd.username, passwordHash: await hashPassword(password, hashing), superuser: cmd.superuser };
    const scram = deps.deriveScram?.(password);
    if (scram !== undefined) user.scram = scram;
    const existed = (await store.getUser(cmd.username)) !== undefined;
    await store.putUser(user);
    output.out(`${existed ? 'replaced' : 'added'} user ${cmd.username}${cmd.superuser ? ' (superuser)' : ''}`);
    return;
  }
  if (cmd.action === 'remove') {
    if ((await store.getUser(cmd.username)) === undefined) throw new UsageError(`no user "${cmd.username}" in the store`);
    await store.deleteUser(cmd.username);
    output.out(`removed user ${cmd.username}`);
    return;
  }
  const users = (await store.listUsers()).sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
  for (const user of users) {
    output.out([user.username, user.superuser ? 'superuser' : 'user', algorithmOf(user.passwordHash), ...(user.scram ? ['scram'] : [])].join('\t'));
  }
}

/** The algorithm named in a PHC string; the hash itself stays out of the output. */
function algorithmOf(phc: string): string {
  return /^\$([a-z0-9-]+)\$/.exec(phc)?.[1] ?? 'unknown';
}

function onePositional(positional: readonly string[], command: string): string {
  if (positional.length !== 1) throw new UsageError(`mqp ${command} takes one username, got ${positional.length}`);
  return positional[0]!;
}
