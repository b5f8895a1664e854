import type { AuthApi, AuthenticateRequest, AuthenticateResult, AuthorizeRequest, AuthorizeResult } from '@mqp/contracts';
import type { AuthConfig } from '@mqp/config';
import { parseSharedFilter } from '@mqp/protocol';
import type { Logger } from '@mqp/runtime';
import { compileAclRule, ruleMatches, type AclRule } from './acl/acl';
import type { AuthProvider } from './providers/auth-provider';
import { AnonymousProvider } from './providers/anonymous.provider';
import { ConfigUsersProvider } from './providers/config-users.provider';

export interface AuthServiceOptions {
  /** PBKDF2 iterations for configured users; only tests lower it. */
  pbkdf2Iterations?: number;
}

/**
 * Who may connect (a chain of providers, first decision wins) and what each
 * client may publish and subscribe (ACL rules, first match wins).
 */
export class AuthService implements AuthApi {
  private readonly users: ConfigUsersProvider;
  private readonly chain: AuthProvider[];
  private readonly rules: AclRule[];
  private readonly aclNoMatch: 'allow' | 'deny';
  private started: Promise<void> | undefined;

  constructor(
    private readonly config: AuthConfig,
    private readonly logger: Logger,
    options: AuthServiceOptions = {},
  ) {
    this.users = new ConfigUsersProvider(config.users, options.pbkdf2Iterations !== undefined ? { iterations: options.pbkdf2Iterations } : {});
    // Order matters: a client with a username is decided by the users; one without, by the anonymous policy.
    this.chain = [this.users, new AnonymousProvider({ allowAnonymous: config.allowAnonymous, hasUsers: config.users.length > 0 })];
    this.rules = config.acl.map(compileAclRule);
    this.aclNoMatch = config.aclNoMatch;
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
      if (result.decision === 'deny') this.logRefusal(req, result.reason, provider.name);
      return result;
    }
    this.logRefusal(req, 'not_authorized', 'end of chain');
    return { decision: 'deny', reason: 'not_authorized' };
  }

  async authorize(req: AuthorizeRequest): Promise<AuthorizeResult> {
    // ACL rules are about the real filter; the share group name grants nothing.
    const topic = req.action === 'subscribe' ? (parseSharedFilter(req.topic)?.filter ?? req.topic) : req.topic;
    // TODO(auth): AuthorizeRequest should carry the `superuser` decided at authenticate (or the gateway
    // should cache it); looking it up by username is right only while config users are the only provider.
    const superuser = this.users.isSuperuser(req.username);
    // `$SYS` is the broker's own namespace: only superusers subscribe to it (or publish to it),
    // even when no ACL is configured (aedes #597).
    if (isSysNamespace(topic)) return { allow: superuser };
    if (superuser) return { allow: true };
    // No rules at all: everything is allowed, so a fresh install works out of the box.
    if (this.rules.length === 0) return { allow: true };
    for (const rule of this.rules) {
      if (ruleMatches(rule, req, topic)) return { allow: rule.permission === 'allow' };
    }
    return { allow: this.aclNoMatch === 'allow' };
  }

  private logStartup(): void {
    const { allowAnonymous, users, acl } = this.config;
    const anonymous =
      allowAnonymous === true
        ? 'anonymous clients accepted from any address'
        : allowAnonymous === false || users.length > 0
          ? 'anonymous clients refused'
          : 'no auth configured: anonymous clients accepted only from loopback';
    this.logger.info(`auth ready: ${anonymous}`, { users: users.length, aclRules: acl.length });
    if (acl.some((rule) => rule.ipaddr !== undefined)) {
      this.logger.warn('ACL rules with ipaddr are not checked yet: ipaddr deny rules apply to every address, ipaddr allow rules to none');
    }
  }

  private logRefusal(req: AuthenticateRequest, reason: string, by: string): void {
    // Never the password.
    this.logger.warn('connection refused', { clientId: req.clientId, username: req.username, remoteAddress: req.remoteAddress, reason, by });
  }
}

function isSysNamespace(topic: string): boolean {
  return topic === '$SYS' || topic.startsWith('$SYS/');
}
