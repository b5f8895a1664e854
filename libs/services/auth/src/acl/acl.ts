import type { AuthorizeRequest, ConnectionAclRule } from '@mqp/contracts';
import type { AclRuleConfig } from '@mqp/config';
import { topicMatchesFilter } from '@mqp/protocol';
import { compileAddressMatcher, type AddressMatcher } from './address-matcher';
import { filterCovers } from './filter-covers';

type TopicPattern =
  /** `eq <filter>`: the request topic/filter must be exactly this string, wildcards included. */
  | { kind: 'eq'; filter: string }
  /** A filter, possibly with `${clientid}` / `${username}` / `${cert_cn}` to substitute per request. */
  | { kind: 'pattern'; pattern: string; usesClientId: boolean; usesUsername: boolean; usesCertCN: boolean };

export interface AclRule {
  permission: 'allow' | 'deny';
  username?: string;
  clientid?: string;
  ipaddr?: AddressMatcher;
  action: 'publish' | 'subscribe' | 'all';
  topics: TopicPattern[];
}

const CLIENTID = '${clientid}';
const USERNAME = '${username}';
const CERT_CN = '${cert_cn}';
// [CVE-2017-7650] a client id or username containing these would turn a placeholder into a wildcard or extra levels.
const UNSAFE_PLACEHOLDER_VALUE = /[+#/]/;

/** Compiles a configured rule; a malformed `ipaddr` throws (the config is refused at start). */
export function compileAclRule(rule: AclRuleConfig | ConnectionAclRule): AclRule {
  const compiled: AclRule = {
    permission: rule.permission,
    action: rule.action,
    topics: rule.topics.map(compileTopic),
  };
  if ('username' in rule && rule.username !== undefined) compiled.username = rule.username;
  if ('clientid' in rule && rule.clientid !== undefined) compiled.clientid = rule.clientid;
  if ('ipaddr' in rule && rule.ipaddr !== undefined) compiled.ipaddr = compileAddressMatcher(rule.ipaddr);
  return compiled;
}

function compileTopic(topic: string): TopicPattern {
  if (topic.startsWith('eq ')) return { kind: 'eq', filter: topic.slice(3) };
  return { kind: 'pattern', pattern: topic, usesClientId: topic.includes(CLIENTID), usesUsername: topic.includes(USERNAME), usesCertCN: topic.includes(CERT_CN) };
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
    if (req.remoteAddress === undefined) {
      // A caller that does not say where the client is cannot be checked against an address-scoped rule.
      // Fail closed: such a deny rule applies to everyone, such an allow rule to no one.
      return rule.permission === 'deny' && rule.topics.some((t) => topicMatches(t, req, topic));
    }
    if (!rule.ipaddr(req.remoteAddress)) return false;
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
  if (t.usesCertCN) {
    // no verified certificate (or a CN that would widen the filter): the rule does not apply
    if (req.certCN === undefined || req.certCN === '' || UNSAFE_PLACEHOLDER_VALUE.test(req.certCN)) return false;
    filter = filter.split(CERT_CN).join(req.certCN);
  }
  return req.action === 'publish' ? topicMatchesFilter(topic, filter) : filterCovers(filter, topic);
}
