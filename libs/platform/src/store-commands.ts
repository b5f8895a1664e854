import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { deriveScramCredentials } from '@mqp/service-auth';
import type { Stores } from '@mqp/storage';
import { ACL_USAGE, parseAclCommand, runAclCommand } from './acl.command';
import { DATA_USAGE, parseDataCommand, type DataCommand } from './data.command';
import { DataLineError, exportData, importData, type DataCounts } from './data-transfer';
import { openStoresFor, UsageError, type StoreFlags } from './store-command';
import { parseUsersCommand, runUsersCommand, USERS_USAGE } from './users.command';

export const STORE_COMMANDS = ['users', 'acl', 'data'] as const;
export type StoreCommandName = (typeof STORE_COMMANDS)[number];

export const STORE_COMMANDS_USAGE = [USERS_USAGE, ACL_USAGE, DATA_USAGE].join('\n');

export function isStoreCommand(name: string): name is StoreCommandName {
  return (STORE_COMMANDS as readonly string[]).includes(name);
}

/**
 * `mqp users|acl|data …`: parses (a UsageError means exit 2), opens the
 * store the platform with the same flags uses, runs, closes. Output lines go
 * to stdout, except for `data` whose stdout may be the data itself: its
 * summary goes to stderr.
 */
export async function runStoreCommand(name: StoreCommandName, args: readonly string[]): Promise<void> {
  if (name === 'users') {
    const cmd = parseUsersCommand(args);
    // SCRAM-SHA-256 credentials next to the hash, so the user can also use MQTT 5 enhanced authentication.
    await withStores(cmd.store, (stores) =>
      runUsersCommand(cmd, { store: stores.auth, output: stdoutOutput, readStdin, deriveScram: (password) => deriveScramCredentials(password) }),
    );
  } else if (name === 'acl') {
    const cmd = parseAclCommand(args);
    await withStores(cmd.store, (stores) => runAclCommand(cmd, { store: stores.auth, output: stdoutOutput }));
  } else {
    const cmd = parseDataCommand(args);
    await runDataCommand(cmd);
  }
}

async function runDataCommand(cmd: DataCommand): Promise<void> {
  if (cmd.action === 'import') {
    // Read first: a missing file or bad line must not even open the store.
    const text = cmd.file !== undefined ? await readInputFile(cmd.file) : await readStdin();
    const counts = await withStores(cmd.store, async (stores) => {
      try {
        return await importData(stores, text);
      } catch (err) {
        if (err instanceof DataLineError) throw new UsageError(`nothing imported: ${err.message}`);
        throw err;
      }
    });
    process.stderr.write(`imported ${describeCounts(counts)}\n`);
    return;
  }
  const counts = await withStores(cmd.store, async (stores) => {
    if (cmd.file === undefined) return exportData(stores, (line) => writeLine(process.stdout, line));
    const file = createWriteStream(cmd.file, { mode: 0o600 });
    try {
      return await exportData(stores, (line) => writeLine(file, line));
    } finally {
      await new Promise<void>((resolve, reject) => file.end((err?: Error | null) => (err ? reject(err) : resolve())));
    }
  });
  process.stderr.write(`exported ${describeCounts(counts)}\n`);
}

async function withStores<T>(flags: StoreFlags, run: (stores: Stores) => Promise<T>): Promise<T> {
  const stores = await openStoresFor(flags);
  try {
    return await run(stores);
  } finally {
    await stores.close();
  }
}

/** Waits for the stream to take the line (back pressure), so a large export does not pile up in memory. */
function writeLine(stream: NodeJS.WritableStream, line: string): Promise<void> | void {
  if (stream.write(line + '\n')) return;
  return new Promise((resolve) => stream.once('drain', () => resolve()));
}

async function readInputFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

const stdoutOutput = { out: (line: string): void => void process.stdout.write(line + '\n') };

function describeCounts(counts: DataCounts): string {
  return Object.entries(counts)
    .map(([kind, n]) => `${n} ${kind}`)
    .join(', ');
}
