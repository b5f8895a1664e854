import type { AclRuleSpec, AuthApi, AuthChangedEvent, AuthExchangeRequest, AuthExchangeResult, AuthenticateRequest, AuthenticateResult, AuthorizeRequest, AuthorizeResult, Ban, BanKind } from '@mqp/contracts';
import type { AuthConfig } from '@mqp/config';
import { InvalidArgumentError } from '@mqp/model';
import { parseSharedFilter } from '@mqp/protocol';
import type { Logger } from '@mqp/runtime';
import type { AuthStore, StoredAclRule, StoredUser } from '@mqp/storage';
import { compileAclRule, ruleMatches, type AclRule } from './acl/acl';
import type { HashingOptions } from './passwords/password-hash';
import type { AuthProvider, ProviderDecision } from './providers/auth-provider';
import { AnonymousProvider } from './providers/anonymous.provider';
import { BannedProvider } from './providers/banned.provider';
import { ConfigUsersProvider } from './providers/config-users.provider';
import { HttpProvider } from './providers/http.provider';
import { JwtProvider } from './providers/jwt.provider';
import { X509Provider } from './providers/x509.provider';
import { ScramExchange } from './scram/scram-exchange';
import { SCRAM_SHA_256 } from './scram/scram-server';

export interface AuthServiceOptions {
  /** Cost of the hashes made at start for plain-text config passwords; only tests and benchmarks lower it. */
  hashing?: Partial<HashingOptions>;
  /** The clock of bans and flapping detection (tests). */
  now?: () => number;
  /** Told whenever rules, bans or users change; the module publishes it on `subjects.authChanged` for the gateways. */
  changed?: (event: AuthChangedEvent) => void;
  /**
   * Users, ACL rules and bans managed at run time (`mqp users`, `mqp acl`, `mqp data import`), possibly
   * by another process: read at start, then again whenever its revision stamp
   * changes (checked every `storePollMs`).
   */
  store?: AuthStore;
  /** How often the store's revision is checked; 1 s by default (a CLI change takes effect within about that). */
  storePollMs?: number;
  /** Seals SCRAM exchange state between steps; instances that share clients must share it (see ScramExchange). Default: random per process. */
  scramSecret?: Buffer;
}

/** How often the store's revision stamp is read: one small read per second is nothing, and an operator waits at most that. */
const DEFAULT_STORE_POLL_MS = 1_000;

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
  /** `auth.acl`, or what `replaceAcl` put in their place; checked before the store's rules. */
  private rules: AclRule[];
  private storeRules: AclRule[] = [];
  private storeAcl = '[]';
  // Keyed by username, a client-controlled string: a Map.
  private readonly storeUsers = new Map<string, StoredUser>();
  private storeRevision: string | undefined;
  private storePoll: NodeJS.Timeout | undefined;
  private storeSyncing = false;
  private storeFailing = false;
  private readonly store: AuthStore | undefined;
  private readonly storePollMs: number;
  private readonly changed: (event: AuthChangedEvent) => void;
  private readonly aclNoMatch: 'allow' | 'deny';
  private started: Promise<void> | undefined;
  /** Set once `started` has resolved: from then on a CONNECT does not await it again (issue 6, allocation per CONNECT). */
  private ready = false;
  private readonly scram: ScramExchange;

  constructor(
    private readonly config: AuthConfig,
    private readonly logger: Logger,
    options: AuthServiceOptions = {},
  ) {
    this.banned = new BannedProvider(config.banned, config.flapping, logger, options.now);
    this.store = options.store;
    this.storePollMs = options.storePollMs ?? DEFAULT_STORE_POLL_MS;
    this.users = new ConfigUsersProvider(config.users, {
      ...(options.hashing ? { hashing: options.hashing } : {}),
      lookup: (username) => {
        const user = this.storeUsers.get(username);
        return user && { phc: user.passwordHash, superuser: user.superuser };
      },
    });
    const credentialsConfigured = config.users.length > 0 || config.jwt.enabled || config.http !== undefined || config.x509.enabled;
    const storeUsers = this.storeUsers;
    const providers = new Map<ProviderName, AuthProvider | undefined>([
      ['banned', this.banned],
      ['x509', config.x509.enabled ? new X509Provider(config.x509) : undefined],
      ['jwt', config.jwt.enabled ? new JwtProvider(config.jwt) : undefined],
      ['users', config.users.length > 0 || this.store ? this.users : undefined],
      ['http', config.http ? new HttpProvider(config.http) : undefined],
      [
        'anonymous',
        new AnonymousProvider({
          allowAnonymous: config.allowAnonymous,
          // Users added with `mqp users add` configure auth as much as `auth.users` does: no more anonymous loopback clients.
          get hasUsers() {
            return credentialsConfigured || storeUsers.size > 0;
          },
        }),
      ],
    ]);
    // Unconfigured providers would only ignore: leave them out of the chain.
    this.chain = config.chain.map((name) => providers.get(name)).filter((p): p is AuthProvider => p !== undefined);
    this.rules = config.acl.map(compileAclRule);
    this.aclNoMatch = config.aclNoMatch;
    this.changed = options.changed ?? (() => undefined);
    this.scram = new ScramExchange({
      configUsers: config.users,
      storedUser: (username) => this.storeUsers.get(username),
      ...(options.scramSecret ? { secret: options.scramSecret } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
  }

  /** Hashes the configured passwords and reads the store; authenticate waits for it, so calling it early only saves time. */
  start(): Promise<void> {
    if (!this.started) {
      this.started = (async () => {
        for (const provider of this.chain) await provider.start?.();
        this.scram.start();
        if (this.store) {
          await this.syncStore(this.store);
          const store = this.store;
          this.storePoll = setInterval(() => void this.pollStore(store), this.storePollMs);
          this.storePoll.unref();
        }
        this.logStartup();
        this.ready = true;
      })();
    }
    return this.started;
  }

  /** Stops watching the store (the store itself belongs to the caller). */
  stop(): void {
    clearInterval(this.storePoll);
    this.storePoll = undefined;
  }

  /** One timer tick: never throws, never overlaps a slow previous read. */
  private async pollStore(store: AuthStore): Promise<void> {
    if (this.storeSyncing) return;
    this.storeSyncing = true;
    try {
      await this.syncStore(store);
      if (this.storeFailing) this.logger.info('auth store readable again');
      this.storeFailing = false;
    } catch (err) {
      // Keep what was read last (the rules in force stay in force); say so once, not every second.
      if (!this.storeFailing) this.logger.warn('auth store not readable: users and ACL rules stay as last read', { error: err });
      this.storeFailing = true;
    } finally {
      this.storeSyncing = false;
    }
  }

  /**
   * Reads users, rules and bans again when the store's revision moved, and tells the
   * gateways (auth-changed event) so they drop cached decisions and re-check
   * live subscriptions: a right revoked with `mqp acl` stops deliveries.
   */
  private async syncStore(store: AuthStore): Promise<void> {
    const revision = await store.revision();
    if (revision === this.storeRevision) return;
    const [users, acl, bans] = await Promise.all([store.listUsers(), store.getAcl(), store.listBans()]);
    // Bans kept in the store (`mqp data import`) apply like the config's; new ones also end the live connections they name.
    const newBans = this.banned.replaceStoreBans(bans);
    const aclJson = JSON.stringify(acl);
    const aclChanged = aclJson !== this.storeAcl;
    const usersChanged = !sameUsers(this.storeUsers, users);
    if (aclChanged) this.storeRules = this.compileStoreAcl(acl);
    if (usersChanged) {
      this.storeUsers.clear();
      for (const user of users) this.storeUsers.set(user.username, user);
    }
    const first = this.storeRevision === undefined;
    this.storeRevision = revision;
    this.storeAcl = aclJson;
    if (first) return;
    for (const ban of newBans) {
      this.logger.info('client banned', { kind: ban.kind, value: ban.value, source: 'store' });
      this.notify({ kind: 'ban', ban: { kind: ban.kind, value: ban.value } });
    }
    if (aclChanged) {
      this.logger.info('ACL rules of the store changed', { aclRules: this.storeRules.length });
      this.notify({ kind: 'acl' });
    }
    if (usersChanged) {
      this.logger.info('users of the store changed', { users: this.storeUsers.size });
      this.notify({ kind: 'users' });
    }
  }

  /** A rule the CLI would have refused (a store written by hand) must not open anything: the store's rules become deny-all. */
  private compileStoreAcl(acl: readonly StoredAclRule[]): AclRule[] {
    try {
      return acl.map(compileAclRule);
    } catch (err) {
      this.logger.error('ACL rules of the store refused, denying everything they could have allowed', { error: err });
      return [compileAclRule({ permission: 'deny', action: 'all', topics: ['#'] })];
    }
  }

  async authenticate(req: AuthenticateRequest): Promise<AuthenticateResult> {
    if (!this.ready) await this.start();
    // By index: for-of allocated an iterator result per provider asked, on every CONNECT (issue 6).
    for (let i = 0; i < this.chain.length; i++) {
      const provider = this.chain[i]!;
      const decided = provider.authenticate(req);
      // Most providers decide at once (bans, anonymous): only a promise is awaited, not each link of the chain.
      const result = 'then' in decided ? await decided : decided;
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

  /**
   * MQTT 5 enhanced authentication, SCRAM-SHA-256 only. The first step goes
   * through the ban and flapping checks like a CONNECT; the last checks bans
   * again for the username SCRAM proved. Failures of any kind are
   * `not_authorized` (CONNACK 0x87, as EMQX answers a failed SCRAM): the
   * client learns nothing about why, the log does.
   */
  async authenticateExchange(req: AuthExchangeRequest): Promise<AuthExchangeResult> {
    await this.start();
    const asConnect: AuthenticateRequest = { clientId: req.clientId, remoteAddress: req.remoteAddress, protocolVersion: req.protocolVersion };
    if (req.username !== undefined) asConnect.username = req.username;
    if (req.method !== SCRAM_SHA_256) {
      this.logRefusal(asConnect, 'bad_auth_method', 'enhanced auth', `method ${req.method} not offered`);
      return { outcome: 'deny', reason: 'bad_auth_method' };
    }
    if (req.state === undefined && this.chain.includes(this.banned)) {
      const banned = await this.banned.authenticate(asConnect);
      if (banned.decision === 'deny') {
        this.logRefusal(asConnect, banned.reason, this.banned.name, banned.detail);
        return { outcome: 'deny', reason: banned.reason };
      }
    }
    const step = await this.scram.step(req);
    if (step.username !== undefined) asConnect.username = step.username;
    if (step.outcome === 'continue') return { outcome: 'continue', data: step.data, state: step.state };
    if (step.outcome === 'deny') {
      this.logRefusal(asConnect, 'not_authorized', SCRAM_SHA_256, step.detail);
      return { outcome: 'deny', reason: 'not_authorized' };
    }
    const ban = this.banned.banFor(asConnect);
    if (ban) {
      this.logRefusal(asConnect, 'banned', SCRAM_SHA_256, `banned by ${ban.source ?? 'api'} ${ban.kind} ${ban.value}`);
      return { outcome: 'deny', reason: 'banned' };
    }
    return { outcome: 'allow', data: step.data, superuser: step.superuser, username: step.username };
  }

  async authorize(req: AuthorizeRequest): Promise<AuthorizeResult> {
    // ACL rules are about the real filter; the share group name grants nothing.
    const topic = req.action === 'subscribe' ? (parseSharedFilter(req.topic)?.filter ?? req.topic) : req.topic;
    const superuser = req.superuser === true;
    // `$SYS` is the broker's own namespace: only superusers subscribe to it (or publish to it),
    // even when no ACL is configured (aedes #597).
    if (isSysNamespace(topic)) return { allow: superuser };
    if (superuser) return { allow: true };
    // Rules of this connection (token claims) come first, then the configured ones (`auth.acl` or what
    // replaceAcl set), then the store's (`mqp acl`); first match wins.
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
    for (const rules of [this.rules, this.storeRules]) {
      for (const rule of rules) {
        if (ruleMatches(rule, req, topic)) return { allow: rule.permission === 'allow' };
      }
    }
    // No rules at all: everything is allowed, so a fresh install works out of the box. A connection that
    // brought its own rules is restricted by them, so for it no match means aclNoMatch.
    if (this.rules.length === 0 && this.storeRules.length === 0 && connectionRules.length === 0) return { allow: true };
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
    const credentials = users.length > 0 || this.storeUsers.size > 0 || this.config.jwt.enabled || this.config.http !== undefined;
    const anonymous =
      allowAnonymous === true
        ? 'anonymous clients accepted from any address'
        : allowAnonymous === false || credentials
          ? 'anonymous clients refused'
          : 'no auth configured: anonymous clients accepted only from loopback';
    this.logger.info(`auth ready: ${anonymous}`, {
      chain: this.chain.map((p) => p.name).join(','),
      users: users.length,
      aclRules: acl.length,
      ...(this.store ? { storeUsers: this.storeUsers.size, storeAclRules: this.storeRules.length } : {}),
    });
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

function sameUsers(known: ReadonlyMap<string, StoredUser>, users: readonly StoredUser[]): boolean {
  if (known.size !== users.length) return false;
  return users.every((u) => {
    const k = known.get(u.username);
    return k !== undefined && k.passwordHash === u.passwordHash && k.superuser === u.superuser;
  });
}

function isSysNamespace(topic: string): boolean {
  return topic === '$SYS' || topic.startsWith('$SYS/');
}
