import { validateTopicFilter } from '@mqp/protocol';
import { compileAddressMatcher } from '@mqp/service-auth';
import type { AuthStore, StoredAclRule } from '@mqp/storage';
import { parseArgs, singleFlag, UsageError, type CommandOutput, type StoreFlags } from './store-command';
import { validateUsername } from './users.command';

export type AclCommand =
  | { action: 'list'; store: StoreFlags }
  /** `position`: the index the new rule gets; absent: appended. */
  | { action: 'add'; store: StoreFlags; rule: StoredAclRule; position?: number }
  | { action: 'remove'; store: StoreFlags; index: number };

export const ACL_USAGE = `usage: mqp acl list
       mqp acl add --permission allow|deny --action publish|subscribe|all --topic T [--topic T2 …]
                   [--username U | --clientid C | --ipaddr A] [--position N]
       mqp acl remove <index>
       (each also takes --config FILE, --data-dir DIR, --mongodb URI, as mqp start)
The store's rules are checked after the config's (auth.acl), in the order acl list shows; the first match wins.`;

/**
 * A topic of an ACL rule: a topic filter, possibly with `${clientid}`,
 * `${username}` or `${cert_cn}` placeholders, or `eq <filter>` for the literal
 * filter. Validated as the filter the rule would match, so `a/#/b` or `a+`
 * are refused here rather than never matching at run time.
 */
export function validateAclTopic(topic: string): string | undefined {
  const filter = topic.startsWith('eq ') ? topic.slice(3) : topic;
  const reason = validateTopicFilter(filter);
  return reason === undefined ? undefined : `bad topic "${topic}": ${reason}`;
}

/** Checks a rule as the auth service will use it; returns every problem. */
export function validateAclRule(rule: StoredAclRule): string[] {
  const problems: string[] = [];
  if (rule.permission !== 'allow' && rule.permission !== 'deny') problems.push('permission is allow or deny');
  if (rule.action !== 'publish' && rule.action !== 'subscribe' && rule.action !== 'all') problems.push('action is publish, subscribe or all');
  if (rule.topics.length === 0) problems.push('a rule needs at least one topic');
  for (const topic of rule.topics) {
    const reason = validateAclTopic(topic);
    if (reason) problems.push(reason);
  }
  if (rule.username !== undefined) {
    const reason = validateUsername(rule.username);
    if (reason) problems.push(reason);
  }
  if (rule.clientid !== undefined && rule.clientid === '') problems.push('the client id is empty');
  if (rule.ipaddr !== undefined) {
    try {
      compileAddressMatcher(rule.ipaddr);
    } catch (err) {
      problems.push(`bad ipaddr "${rule.ipaddr}": ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return problems;
}

export function parseAclCommand(args: readonly string[]): AclCommand {
  const [action, ...rest] = args;
  if (action === 'list') {
    const parsed = parseArgs(rest, []);
    if (parsed.positional.length > 0) throw new UsageError(`unexpected argument "${parsed.positional[0]}"`);
    return { action, store: parsed.store };
  }
  if (action === 'remove') {
    const parsed = parseArgs(rest, []);
    if (parsed.positional.length !== 1) throw new UsageError('mqp acl remove takes one index (as acl list shows it)');
    return { action, store: parsed.store, index: parseIndex(parsed.positional[0]!, 'index') };
  }
  if (action === 'add') {
    const parsed = parseArgs(rest, ['permission', 'action', 'topic', 'username', 'clientid', 'ipaddr', 'position']);
    if (parsed.positional.length > 0) throw new UsageError(`unexpected argument "${parsed.positional[0]}"`);
    const permission = singleFlag(parsed, 'permission');
    const ruleAction = singleFlag(parsed, 'action');
    if (permission !== 'allow' && permission !== 'deny') throw new UsageError('--permission is allow or deny');
    if (ruleAction !== 'publish' && ruleAction !== 'subscribe' && ruleAction !== 'all') throw new UsageError('--action is publish, subscribe or all');
    const topics = parsed.flags.get('topic') ?? [];
    if (topics.length === 0) throw new UsageError('give at least one --topic');
    const rule: StoredAclRule = { permission, action: ruleAction, topics };
    const who = (['username', 'clientid', 'ipaddr'] as const).filter((k) => parsed.flags.has(k));
    if (who.length > 1) throw new UsageError('give at most one of --username, --clientid, --ipaddr');
    for (const key of who) rule[key] = singleFlag(parsed, key)!;
    const problems = validateAclRule(rule);
    if (problems.length > 0) throw new UsageError(problems.join('; '));
    const position = singleFlag(parsed, 'position');
    return { action, store: parsed.store, rule, ...(position !== undefined ? { position: parseIndex(position, '--position') } : {}) };
  }
  throw new UsageError(action === undefined ? 'mqp acl needs list, add or remove' : `unknown acl command "${action}"`);
}

function parseIndex(text: string, what: string): number {
  if (!/^\d{1,9}$/.test(text)) throw new UsageError(`${what} must be a whole number ≥ 0, got "${text}"`);
  return Number(text);
}

/** Runs a parsed command. The ACL is one ordered list, written back as a whole. */
export async function runAclCommand(cmd: AclCommand, deps: { store: AuthStore; output: CommandOutput }): Promise<void> {
  const { store, output } = deps;
  const rules = await store.getAcl();
  if (cmd.action === 'list') {
    rules.forEach((rule, index) => output.out(formatRule(index, rule)));
    return;
  }
  if (cmd.action === 'add') {
    const at = cmd.position ?? rules.length;
    if (at > rules.length) throw new UsageError(`--position ${at} is past the end: there are ${rules.length} rules`);
    rules.splice(at, 0, cmd.rule);
    await store.setAcl(rules);
    output.out(`added ${formatRule(at, cmd.rule)}`);
    return;
  }
  const [removed] = rules.splice(cmd.index, 1);
  if (removed === undefined) throw new UsageError(`no rule ${cmd.index}: there are ${rules.length} rules`);
  await store.setAcl(rules);
  output.out(`removed ${formatRule(cmd.index, removed)}`);
}

/** One line per rule: `index permission action who topics…`, tab separated. */
export function formatRule(index: number, rule: StoredAclRule): string {
  // a rule written by import may name several (all must match)
  const names = (['username', 'clientid', 'ipaddr'] as const).filter((k) => rule[k] !== undefined).map((k) => `${k}=${rule[k]}`);
  const who = names.length > 0 ? names.join(',') : 'anyone';
  return [String(index), rule.permission, rule.action, who, rule.topics.join(' ')].join('\t');
}
