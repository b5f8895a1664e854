import { parseArgs, singleFlag, UsageError, type StoreFlags } from './store-command';

export interface DataCommand {
  action: 'export' | 'import';
  store: StoreFlags;
  /** Absent: stdout (export) or stdin (import). */
  file?: string;
}

export const DATA_USAGE = `usage: mqp data export [--file F]    (JSON lines to F, or stdout)
       mqp data import [--file F]    (from F, or stdin; every line checked before anything is written)
       (each also takes --config FILE, --data-dir DIR, --mongodb URI, as mqp start)`;

export function parseDataCommand(args: readonly string[]): DataCommand {
  const [action, ...rest] = args;
  if (action !== 'export' && action !== 'import') {
    throw new UsageError(action === undefined ? 'mqp data needs export or import' : `unknown data command "${action}"`);
  }
  const parsed = parseArgs(rest, ['file']);
  if (parsed.positional.length > 0) throw new UsageError(`unexpected argument "${parsed.positional[0]}"`);
  const file = singleFlag(parsed, 'file');
  return { action, store: parsed.store, ...(file !== undefined ? { file } : {}) };
}
