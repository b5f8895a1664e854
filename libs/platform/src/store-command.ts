import { loadConfig } from '@mqp/config';
import { openEmbeddedStore, openMongoStore, type Stores } from '@mqp/storage';

/**
 * What the store-managing commands (`mqp users|acl|data`) share: the flags
 * that pick the store, the same as `mqp start` (`--config FILE`,
 * `--data-dir DIR`, `--mongodb URI`, and the `MQP_…` environment), so a
 * command reaches exactly the store the platform uses. The embedded store may
 * be open in a running platform at the same time (LMDB is multi-process); the
 * platform notices the change within about a second.
 */
export interface StoreFlags {
  configFile?: string;
  dataDir?: string;
  mongodbUri?: string;
}

/** Bad usage or input: the CLI exits 2 with the message (a runtime failure exits 1). */
export class UsageError extends Error {}

/** Flags and positional arguments of one command line, split. */
export interface ParsedArgs {
  store: StoreFlags;
  /** Flags of the command itself, by name without `--`; repeated flags keep every value in order. */
  flags: Map<string, string[]>;
  /** Flags given without a value. */
  switches: Set<string>;
  positional: string[];
}

/**
 * Splits `args`: `valueFlags` take a value (`--x V` or `--x=V`), `switchFlags`
 * take none; anything else starting with `--` is refused, so a typo never
 * passes silently.
 */
export function parseArgs(args: readonly string[], valueFlags: readonly string[], switchFlags: readonly string[] = []): ParsedArgs {
  const parsed: ParsedArgs = { store: {}, flags: new Map(), switches: new Set(), positional: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      parsed.positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = (eq === -1 ? arg : arg.slice(0, eq)).slice(2);
    if (switchFlags.includes(name)) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      parsed.switches.add(name);
      continue;
    }
    const isStoreFlag = name === 'config' || name === 'data-dir' || name === 'mongodb';
    if (!isStoreFlag && !valueFlags.includes(name)) throw new UsageError(`unknown flag --${name}`);
    const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined || (eq === -1 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    if (name === 'config') parsed.store.configFile = value;
    else if (name === 'data-dir') parsed.store.dataDir = value;
    else if (name === 'mongodb') parsed.store.mongodbUri = value;
    else parsed.flags.set(name, [...(parsed.flags.get(name) ?? []), value]);
  }
  return parsed;
}

/** The one value of `--name`, refusing it twice. */
export function singleFlag(parsed: ParsedArgs, name: string): string | undefined {
  const values = parsed.flags.get(name);
  if (values && values.length > 1) throw new UsageError(`--${name} given more than once`);
  return values?.[0];
}

/** Opens the store the platform with these flags would open. A bad config throws ConfigError (exit 2). */
export async function openStoresFor(flags: StoreFlags, env: NodeJS.ProcessEnv = process.env): Promise<Stores> {
  const overrides: Record<string, unknown> = {};
  if (flags.dataDir !== undefined) overrides['storage.dir'] = flags.dataDir;
  if (flags.mongodbUri !== undefined) overrides['storage.mongodb.uri'] = flags.mongodbUri;
  const config = loadConfig({ file: flags.configFile, env, overrides });
  const uri = config.storage.mongodb?.uri;
  return uri ? openMongoStore(uri) : openEmbeddedStore(config.storage.dir);
}

/** Where a command writes what the user asked to see; tests collect it. */
export interface CommandOutput {
  out(line: string): void;
}
