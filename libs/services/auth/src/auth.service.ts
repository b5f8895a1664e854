import type { AclRuleSpec, AuthApi, AuthChangedEvent, AuthenticateRequest, AuthenticateResult, AuthorizeRequest, AuthorizeResult, Ban, BanKind } from '@mqp/contracts';
import type { AuthConfig } from '@mqp/config';
import { InvalidArgumentError } from '@mqp/model';
import { parseSharedFilter } from '@mqp/protocol';
import type { Logger } from '@mqp/runtime';
import { compileAclRule, ruleMatches, type AclRule } from './acl/acl';
import type { HashingOptions } from './passwords/password-hash';
import type { AuthProvider, ProviderDecision } from './providers/auth-provider';
import { AnonymousProvider } from './providers/anonymous.provider';
import { BannedProvider } from './providers/banned.provider';
import { ConfigUsersProvider } from './providers/config-users.provider';
import { HttpProvider } from './providers/http.provider';
import { JwtProvider } from './providers/jwt.provider';
import { X509Provider } from './providers/x509.provider';

export interface AuthServiceOptions {
  /** Cost of the hashes made at start for plain-text config passwords; only tests and benchmarks lower it. */
  hashing?: Partial<HashingOptions>;
  /** The clock of bans and flapping detection (tests). */
  now?: () => number;
  /** Told whenever rules, bans or users change; the module publishes it on `subjects.authChanged` for the gateways. */
  changed?: (event: AuthChangedEvent) => void;
}

type ProviderName = AuthConfig['chain'][number];

/**
 * Who may connect (a chain of providers, the first that does not ignore
 * decides) and what each client may publish and subscribe (ACL rules, first
 * match wins). Keeps nothing per connection, so it may be scaled out: what
 * authenticate decided (superuser, rules from token claims) comes back with
 * each authorize request.
 */
export class AuthService implements AuthApi {
  private readonly banned: BannedProvider;
  private readonly users: ConfigUsersProvider;
  private readonly chain: AuthProvider[];
  private rules: AclRule[];
  private readonly changed: (event: AuthChangedEvent) => void;
  private readonly aclNoMatch: 'allow' | 'deny';
  private started: Promise<void> | undefined;

  constructor(
    private readonly config: AuthConfig,
    private readonly logger: Logger,
    options: AuthServiceOptions = {},
  ) {
    this.banned = new BannedProvider(config.banned, config.flapping, logger, options.now);
    this.users = new ConfigUsersProvider(config.users, options.hashing ? { hashing: options.hashing } : {});
    const credentialsConfigured = config.users.length > 0 || config.jwt.enabled || config.http !== undefined || config.x509.enabled;
    const providers = new Map<ProviderName, AuthProvider | undefined>([
      ['banned', this.banned],
      ['x509', config.x509.enabled ? new X509Provider(config.x509) : undefined],
      ['jwt', config.jwt.enabled ? new JwtProvider(config.jwt) : undefined],
      ['users', config.users.length > 0 ? this.users : undefined],
      ['http', config.http ? new HttpProvider(config.http) : undefined],
      ['anonymous', new AnonymousProvider({ allowAnonymous: config.allowAnonymous, hasUsers: credentialsConfigured })],
    ]);
    // Unconfigured providers would only ignore: leave them out of the chain.
    this.chain = config.chain.map((name) => providers.get(name)).filter((p): p is AuthProvider => p !== undefined);
    this.rules = config.acl.map(compileAclRule);
    this.aclNoMatch = config.aclNoMatch;
    this.changed = options.changed ?? (() => undefined);
  }

  /** Hashes the configured passwords; authenticate waits for it, so calling it early only saves time. */
  start(): Promise<void> {
    if (!this.started) {
      this.started = (async () => {
        for (const provider of this.chain) await provider.start?.();
        this.logStartup();
      })();
    }
    return this.started;
  }

  async authenticate(req: AuthenticateRequest): Promise<AuthenticateResult> {
    await this.start();
    for (const provider of this.chain) {
      const result = await provider.authenticate(req);
      if (result.decision === 'ignore') continue;
      if (result.decision === 'deny') {
        this.logRefusal(req, result.reason, provider.name, result.detail);
        return { decision: 'deny', reason: result.reason };
      }
      if (result.username !== undefined || result.clientId !== undefined) {
        // The provider gave the connection another identity (certificate): bans apply to that one too.
        const renamed: AuthenticateRequest = { ...req, clientId: result.clientId ?? req.clientId };
        const username = result.username ?? req.username;
        if (username !== undefined) renamed.username = username;
        const ban = this.banned.banFor(renamed);
        if (ban) {
          this.logRefusal(renamed, 'banned', provider.name, `banned by ${ban.source ?? 'api'} ${ban.kind} ${ban.value}`);
          return { decision: 'deny', reason: 'banned' };
        }
      }
      return allowResult(result);
    }
    this.logRefusal(req, 'not_authorized', 'end of chain');
    return { decision: 'deny', reason: 'not_authorized' };
  }

  async authorize(req: AuthorizeRequest): Promise<AuthorizeResult> {
    // ACL rules are about the real filter; the share group name grants nothing.
    const topic = req.action === 'subscribe' ? (parseSharedFilter(req.topic)?.filter ?? req.topic) : req.topic;
    const superuser = req.superuser === true;
    // `$SYS` is the broker's own namespace: only superusers subscribe to it (or publish to it),
    // even when no ACL is configured (aedes #597).
    if (isSysNamespace(topic)) return { allow: superuser };
    if (superuser) return { allow: true };
    // Rules of this connection (token claims) come first, then the configured ones; first match wins.
    const connectionRules = req.connectionAcl ?? [];
    for (const rule of connectionRules) {
      let compiled: AclRule;
      try {
        compiled = compileAclRule(rule);
      } catch {
        return { allow: false };
      }
      if (ruleMatches(compiled, req, topic)) return { allow: compiled.permission === 'allow' };
    }
    for (const rule of this.rules) {
      if (ruleMatches(rule, req, topic)) return { allow: rule.permission === 'allow' };
    }
    // No rules at all: everything is allowed, so a fresh install works out of the box. A connection that
    // brought its own rules is restricted by them, so for it no match means aclNoMatch.
    if (this.rules.length === 0 && connectionRules.length === 0) return { allow: true };
    return { allow: this.aclNoMatch === 'allow' };
  }

  async ban(ban: Ban): Promise<void> {
    if (ban.value === '') throw new InvalidArgumentError('a ban needs a value');
    try {
      this.banned.ban(ban);
    } catch (err) {
      throw new InvalidArgumentError(err instanceof Error ? err.message : String(err));
    }
    // Gateways disconnect the live clients the ban names (a ban is not only for the next CONNECT).
    this.notify({ kind: 'ban', ban: { kind: ban.kind, value: ban.value } });
  }

  async replaceAcl(req: { rules: AclRuleSpec[] }): Promise<void> {
    let compiled: AclRule[];
    try {
      // All or nothing: one bad rule leaves the rules in force as they were.
      compiled = req.rules.map(compileAclRule);
    } catch (err) {
      throw new InvalidArgumentError(`acl rule refused: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.rules = compiled;
    this.logger.info('ACL rules replaced', { aclRules: compiled.length });
    this.notify({ kind: 'acl' });
  }

  private notify(event: AuthChangedEvent): void {
    try {
      this.changed(event);
    } catch (err) {
      this.logger.warn('auth change not announced: gateways keep their cached decisions', { kind: event.kind, error: err });
    }
  }

  async unban(req: { kind: BanKind; value: string }): Promise<{ removed: boolean }> {
    return { removed: this.banned.unban(req.kind, req.value) };
  }

  async listBans(): Promise<Ban[]> {
    return this.banned.list();
  }

  private logStartup(): void {
    const { allowAnonymous, users, acl } = this.config;
    const credentials = users.length > 0 || this.config.jwt.enabled || this.config.http !== undefined;
    const anonymous =
      allowAnonymous === true
        ? 'anonymous clients accepted from any address'
        : allowAnonymous === false || credentials
          ? 'anonymous clients refused'
          : 'no auth configured: anonymous clients accepted only from loopback';
    this.logger.info(`auth ready: ${anonymous}`, { chain: this.chain.map((p) => p.name).join(','), users: users.length, aclRules: acl.length });
  }

  private logRefusal(req: AuthenticateRequest, reason: string, by: string, detail?: string): void {
    // Never the password.
    this.logger.warn('connection refused', { clientId: req.clientId, username: req.username, remoteAddress: req.remoteAddress, reason, by, detail });
  }
}

function allowResult(decision: Extract<ProviderDecision, { decision: 'allow' }>): AuthenticateResult {
  const result: AuthenticateResult = { decision: 'allow', superuser: decision.superuser };
  if (decision.expiresAt !== undefined) result.expiresAt = decision.expiresAt;
  if (decision.acl !== undefined) result.acl = decision.acl;
  if (decision.username !== undefined) result.username = decision.username;
  if (decision.clientId !== undefined) result.clientId = decision.clientId;
  return result;
}

function isSysNamespace(topic: string): boolean {
  return topic === '$SYS' || topic.startsWith('$SYS/');
}
