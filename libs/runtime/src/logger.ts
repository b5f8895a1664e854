/**
 * A small structured logger: one line per event, `level time [module] message
 * key=value…`, to stderr. Modules get a child logger named after them.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(name: string): Logger;
}

export type LogSink = (line: string) => void;

const stderrSink: LogSink = (line) => process.stderr.write(line + '\n');

export function createLogger(options: { level?: LogLevel; name?: string; sink?: LogSink } = {}): Logger {
  const threshold = ORDER[options.level ?? 'info'];
  const sink = options.sink ?? stderrSink;
  const make = (name: string | undefined): Logger => {
    const log = (level: Exclude<LogLevel, 'silent'>, message: string, fields?: LogFields): void => {
      if (ORDER[level] < threshold) return;
      const where = name ? ` [${name}]` : '';
      sink(`${level.toUpperCase().padEnd(5)} ${new Date().toISOString()}${where} ${message}${formatFields(fields)}`);
    };
    return {
      debug: (m, f) => log('debug', m, f),
      info: (m, f) => log('info', m, f),
      warn: (m, f) => log('warn', m, f),
      error: (m, f) => log('error', m, f),
      child: (child) => make(name ? `${name}.${child}` : child),
    };
  };
  return make(options.name);
}

function formatFields(fields: LogFields | undefined): string {
  if (!fields) return '';
  let out = '';
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const text = value instanceof Error ? value.message : typeof value === 'string' ? value : JSON.stringify(value);
    out += ` ${key}=${/[\s"=]/.test(text) ? JSON.stringify(text) : text}`;
  }
  return out;
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = createLogger({ level: 'silent' });
