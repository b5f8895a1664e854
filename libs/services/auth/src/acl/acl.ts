import type { AuthorizeRequest } from '@mqp/contracts';
import type { AclRuleConfig } from '@mqp/config';
import { topicMatchesFilter } from '@mqp/protocol';
import { filterCovers } from './filter-covers';

type TopicPattern =
  /** `eq <filter>`: the request topic/filter must be exactly this string, wildcards included. */
  | { kind: 'eq'; filter: string }
  /** A filter, possibly with `${clientid}` / `${username}` to substitute per request. */
  | { kind: 'pattern'; pattern: string; usesClientId: boolean; usesUsername: boolean };

export interface AclRule {
  permission: 'allow' | 'deny';
  username?: string;
  clientid?: string;
  ipaddr?: string;
  action: 'publish' | 'subscribe' | 'all';
  topics: TopicPattern[];
}

const CLIENTID = '${clientid}';
const USERNAME = '${username}';
// [CVE-2017-7650] a client id or username containing these would turn a placeholder into a wildcard or extra levels.
const UNSAFE_PLACEHOLDER_VALUE = /[+#/]/;

export function compileAclRule(rule: AclRuleConfig): AclRule {
  const compiled: AclRule = {
    permission: rule.permission,
    action: rule.action,
    topics: rule.topics.map(compileTopic),
  };
  if (rule.username !== undefined) compiled.username = rule.username;
  if (rule.clientid !== undefined) compiled.clientid = rule.clientid;
  if (rule.ipaddr !== undefined) compiled.ipaddr = rule.ipaddr;
  return compiled;
}

function compileTopic(topic: string): TopicPattern {
  if (topic.startsWith('eq ')) return { kind: 'eq', filter: topic.slice(3) };
  return { kind: 'pattern', pattern: topic, usesClientId: topic.includes(CLIENTID), usesUsername: topic.includes(USERNAME) };
}

/**
 * Whether the rule applies to this request. `topic` is the request's topic
 * name (publish) or filter (subscribe), with any `$share/{group}/` removed.
 */
export function ruleMatches(rule: AclRule, req: AuthorizeRequest, topic: string): boolean {
  if (rule.action !== 'all' && rule.action !== req.action) return false;
  if (rule.username !== undefined && rule.username !== req.username) return false;
  if (rule.clientid !== undefined && rule.clientid !== req.clientId) return false;
  if (rule.ipaddr !== undefined) {
    // AuthorizeRequest carries no peer address yet, so an address-scoped rule cannot be checked.
    // Fail closed: such a deny rule applies to everyone, such an allow rule to no one.
    return rule.permission === 'deny' && rule.topics.some((t) => topicMatches(t, req, topic));
  }
  return rule.topics.some((t) => topicMatches(t, req, topic));
}

function topicMatches(t: TopicPattern, req: AuthorizeRequest, topic: string): boolean {
  if (t.kind === 'eq') return topic === t.filter;
  let filter = t.pattern;
  if (t.usesClientId) {
    if (UNSAFE_PLACEHOLDER_VALUE.test(req.clientId)) return false;
    filter = filter.split(CLIENTID).join(req.clientId);
  }
  if (t.usesUsername) {
    if (req.username === undefined || UNSAFE_PLACEHOLDER_VALUE.test(req.username)) return false;
    filter = filter.split(USERNAME).join(req.username);
  }
  return req.action === 'publish' ? topicMatchesFilter(topic, filter) : filterCovers(filter, topic);
}
