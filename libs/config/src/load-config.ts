import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '@mqp/model';
import { configSchema, type MqpConfig } from './schema';

/**
 * Builds the config tree from, in rising precedence: defaults, a YAML file,
 * `MQP_…` environment variables, and command-line overrides. Every problem
 * found is reported at once in one ConfigError (Loki's `Config.Validate`).
 *
 * Environment variables name a path with `__` between levels and snake case
 * within a key: `MQP_AUTH__ALLOW_ANONYMOUS=true` sets `auth.allowAnonymous`.
 * Values are parsed as JSON when they parse (numbers, booleans, arrays),
 * otherwise taken as strings.
 */
export interface ConfigSources {
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Dotted path → value, e.g. `{ 'listeners.tcp.port': 1884 }`. */
  overrides?: Record<string, unknown>;
}

export function loadConfig(sources: ConfigSources = {}): MqpConfig {
  const problems: string[] = [];
  let tree: Record<string, unknown> = {};

  if (sources.file) {
    try {
      const parsed: unknown = parseYaml(readFileSync(sources.file, 'utf8'));
      if (parsed === null || parsed === undefined) tree = {};
      else if (typeof parsed === 'object' && !Array.isArray(parsed)) tree = parsed as Record<string, unknown>;
      else problems.push(`${sources.file}: the top level must be a mapping`);
    } catch (err) {
      problems.push(`${sources.file}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
  }

  for (const [name, raw] of Object.entries(sources.env ?? {})) {
    if (!name.startsWith('MQP_') || raw === undefined || name.startsWith('MQP_TEST_')) continue;
    const path = name.slice(4).split('__').map(snakeToCamel);
    setPath(tree, path, parseScalar(raw));
  }
  for (const [dotted, value] of Object.entries(sources.overrides ?? {})) {
    if (value !== undefined) setPath(tree, dotted.split('.'), value);
  }

  const result = configSchema.safeParse(tree);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
      const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
      problems.push(`${where}: ${issue.message}${keys}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return result.data!;
}

function snakeToCamel(segment: string): string {
  return segment.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function parseScalar(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function setPath(tree: Record<string, unknown>, path: string[], value: unknown): void {
  let node = tree;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}
