import type { AuthConfig } from '@mqp/config';
import type { AuthenticateRequest, Ban, BanKind } from '@mqp/contracts';
import type { Logger } from '@mqp/runtime';
import { compileAddressMatcher, type AddressMatcher } from '../acl/address-matcher';
import { IGNORE, type AuthProvider, type ProviderDecision } from './auth-provider';

export type FlappingConfig = AuthConfig['flapping'];

/**
 * Bounds for maps keyed by client-chosen ids: a client cycling ids must not
 * grow them without end (HOSTILE-INPUTS "timers and maps must be bounded").
 * 100,000 entries of a few dozen bytes each is a few MB at most.
 */
export const MAX_TRACKED_CLIENTS = 100_000;

interface StoredBan extends Ban {
  matcher?: AddressMatcher;
}

interface ConnectWindow {
  start: number;
  count: number;
}

/**
 * Banned client ids, usernames and addresses (config, API and the AuthStore, with expiry),
 * and flapping detection: a client id that connects `maxConnects` times in
 * `windowMs` is banned for `banMs` (EMQX `flapping_detect`). Answers deny
 * (`banned` → CONNACK 0x8A, v3.1.1: 5) or ignore, never allow.
 */
export class BannedProvider implements AuthProvider {
  readonly name = 'banned';
  private readonly configBans: StoredBan[];
  // Keyed by `${kind}\u0000${value}`; client-controlled values, so Maps.
  private readonly apiBans = new Map<string, StoredBan>();
  /** Bans kept in the AuthStore (`mqp data import`), same keys; replaced as a whole whenever the store's revision moves. */
  private storeBans = new Map<string, StoredBan>();
  /** Client id → end of its flapping ban; insertion order is expiry order (all last banMs). */
  private readonly flappingBans = new Map<string, number>();
  /** Client id → its current counting window; insertion order is window start order. */
  private readonly windows = new Map<string, ConnectWindow>();

  constructor(
    configBans: AuthConfig['banned'],
    private readonly flapping: FlappingConfig,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.configBans = configBans.map((b) => {
      const [kind, value] = b.clientid !== undefined ? ['clientid', b.clientid] : b.username !== undefined ? ['username', b.username] : ['ipaddr', b.ipaddr ?? ''];
      return stored({ kind: kind as BanKind, value, source: 'config', ...(b.until !== undefined ? { until: Date.parse(b.until) } : {}), ...(b.reason !== undefined ? { reason: b.reason } : {}) });
    });
  }

  ban(ban: Ban): void {
    this.pruneApiBans(this.now());
    const entry = stored({ ...ban, source: 'api' });
    const key = banKey(ban.kind, ban.value);
    this.apiBans.delete(key);
    this.apiBans.set(key, entry);
    this.logger.info('client banned', { kind: ban.kind, value: ban.value, until: ban.until, reason: ban.reason, source: 'api' });
  }

  unban(kind: BanKind, value: string): boolean {
    const removed = this.apiBans.delete(banKey(kind, value));
    const flapping = kind === 'clientid' && this.flappingBans.delete(value);
    if (removed || flapping) this.logger.info('client unbanned', { kind, value });
    return removed || flapping;
  }

  /**
   * Puts the bans read from the AuthStore in place of those read before, and
   * answers the ones that are new (so the caller can disconnect the live
   * clients they name). An entry that cannot be a ban (empty value, bad
   * address: a store written by hand) is skipped with a warning rather than
   * failing the whole read: the other bans stay in force.
   */
  replaceStoreBans(bans: readonly Ban[]): Ban[] {
    const now = this.now();
    const next = new Map<string, StoredBan>();
    const added: Ban[] = [];
    for (const ban of bans) {
      let entry: StoredBan;
      try {
        entry = stored({ ...ban, source: ban.source ?? 'api' });
      } catch (err) {
        this.logger.warn('ban of the store skipped', { kind: ban.kind, value: ban.value, error: err });
        continue;
      }
      const key = banKey(ban.kind, ban.value);
      next.set(key, entry);
      const before = this.storeBans.get(key);
      // an expired ban (or one already known) must not disconnect anyone
      if ((!before || before.until !== entry.until) && active(entry, now)) added.push({ kind: entry.kind, value: entry.value });
    }
    this.storeBans = next;
    return added;
  }

  list(): Ban[] {
    const now = this.now();
    this.prune(now);
    this.pruneApiBans(now);
    const out: Ban[] = [];
    for (const b of [...this.configBans, ...this.apiBans.values(), ...this.storeBans.values()]) {
      if (b.until !== undefined && b.until <= now) continue;
      const { matcher: _matcher, ...ban } = b;
      out.push(ban);
    }
    for (const [clientId, until] of this.flappingBans) {
      out.push({ kind: 'clientid', value: clientId, until, reason: 'flapping', source: 'flapping' });
    }
    return out;
  }

  authenticate(req: AuthenticateRequest): ProviderDecision {
    const now = this.now();
    this.prune(now);
    const hit = this.findBan(req, now);
    if (hit) return { decision: 'deny', reason: 'banned', detail: `banned by ${hit.source ?? 'api'} ${hit.kind} ${hit.value}${hit.reason ? ` (${hit.reason})` : ''}` };
    if (this.flapping.enabled && this.countConnect(req.clientId, now)) {
      const until = now + this.flapping.banMs;
      this.flappingBans.set(req.clientId, until);
      while (this.flappingBans.size > MAX_TRACKED_CLIENTS) this.flappingBans.delete(this.flappingBans.keys().next().value as string);
      this.logger.warn('client banned for flapping', {
        clientId: req.clientId,
        connects: this.flapping.maxConnects,
        windowMs: this.flapping.windowMs,
        until: new Date(until).toISOString(),
      });
      return { decision: 'deny', reason: 'banned', detail: 'flapping' };
    }
    return IGNORE;
  }

  /** The ban in force for this identity, without counting a connect (identities a later provider assigned, e.g. from a certificate). */
  banFor(req: AuthenticateRequest): Ban | undefined {
    const now = this.now();
    this.prune(now);
    return this.findBan(req, now);
  }

  private findBan(req: AuthenticateRequest, now: number): Ban | undefined {
    const flappingUntil = this.flappingBans.get(req.clientId);
    if (flappingUntil !== undefined && flappingUntil > now) return { kind: 'clientid', value: req.clientId, reason: 'flapping', source: 'flapping' };
    const byId = this.apiBans.get(banKey('clientid', req.clientId));
    if (byId && active(byId, now)) return byId;
    if (req.username !== undefined) {
      const byName = this.apiBans.get(banKey('username', req.username));
      if (byName && active(byName, now)) return byName;
    }
    for (const b of this.configBans) {
      if (active(b, now) && matches(b, req)) return b;
    }
    for (const b of this.apiBans.values()) {
      if (b.kind === 'ipaddr' && active(b, now) && matches(b, req)) return b;
    }
    // Store bans are few and set by an operator (like config bans): a full pass.
    for (const b of this.storeBans.values()) {
      if (active(b, now) && matches(b, req)) return b;
    }
    return undefined;
  }

  /** Counts one CONNECT of `clientId`; true when it reaches the flapping limit. */
  private countConnect(clientId: string, now: number): boolean {
    let window = this.windows.get(clientId);
    if (!window || now - window.start >= this.flapping.windowMs) {
      // Re-inserted so the map stays ordered by window start, which lets prune stop at the first live entry.
      this.windows.delete(clientId);
      window = { start: now, count: 0 };
      this.windows.set(clientId, window);
      while (this.windows.size > MAX_TRACKED_CLIENTS) this.windows.delete(this.windows.keys().next().value as string);
    }
    window.count++;
    if (window.count < this.flapping.maxConnects) return false;
    this.windows.delete(clientId);
    return true;
  }

  /** Drops windows that ended and bans that expired; both maps are in time order, so this stops at the first live entry. */
  private prune(now: number): void {
    for (const [id, w] of this.windows) {
      if (now - w.start < this.flapping.windowMs) break;
      this.windows.delete(id);
    }
    for (const [id, until] of this.flappingBans) {
      if (until > now) break;
      this.flappingBans.delete(id);
    }
  }

  /** API bans are few and set by an operator: a full pass, only when they are listed or changed. */
  private pruneApiBans(now: number): void {
    for (const [key, b] of this.apiBans) {
      if (!active(b, now)) this.apiBans.delete(key);
    }
  }

  /** For tests: how many client ids are being counted. */
  get trackedClients(): number {
    return this.windows.size;
  }
}

function stored(ban: Ban): StoredBan {
  if (ban.value === '') throw new Error(`empty ${ban.kind} ban`);
  if (ban.until !== undefined && !Number.isFinite(ban.until)) throw new Error(`ban ${ban.kind} ${ban.value}: bad until`);
  return ban.kind === 'ipaddr' ? { ...ban, matcher: compileAddressMatcher(ban.value) } : { ...ban };
}

function banKey(kind: BanKind, value: string): string {
  return `${kind}\u0000${value}`;
}

function active(b: Ban, now: number): boolean {
  return b.until === undefined || b.until > now;
}

function matches(b: StoredBan, req: AuthenticateRequest): boolean {
  if (b.kind === 'clientid') return b.value === req.clientId;
  if (b.kind === 'username') return b.value === req.username;
  return b.matcher?.(req.remoteAddress) === true;
}
