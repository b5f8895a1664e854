import type { Bus, BusMessage, BusSubscription } from '@mqp/bus';
import {
  decodeMessage,
  encodeGatewayCommand,
  type GatewayCommand,
  lazyMessage,
  messageFromBus,
  subjects,
  type ResumeSessionRequest,
  type SessionHandOver,
  type SuspendSessionRequest,
  type CloseSessionRequest,
  type OpenSessionRequest,
  type OpenSessionResult,
  type SessionApi,
  type SessionInfo,
  type SessionMessage,
  type SessionSubscription,
  type SessionWill,
  type SubscribeSessionRequest,
  type UnsubscribeSessionRequest,
} from '@mqp/contracts';
import { InvalidArgumentError } from '@mqp/model';
import { ReasonCode } from '@mqp/protocol';
import type { Counter, Logger, MetricsRegistry } from '@mqp/runtime';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { MemoryQueueStore, type LeaseStore, type PersistentSessionRecord, type QueuedEntry, type QueueStore, type SessionStore, type StoredDelivery, type StoredSubscription } from '@mqp/storage';
import { CaptureAnnouncer } from './capture-announcer';
import { serveCaptureRequests } from './capture-requests';
import { GatewayLiveness } from './gateway-liveness';
import { HeldSession, type QueueLimits } from './held-session';
import { KeyedSerializer } from './keyed-serializer';

export interface SessionServiceDeps {
  bus: Bus;
  store: SessionStore;
  /** The offline queues; memory when absent (tests that do not restart). */
  queues?: QueueStore;
  /**
   * Capture ownership between session-service instances (split mode with
   * more than one): an offline session is captured by the instance holding
   * its lease. Absent = this instance is the only one (standalone: the bus is
   * in-process, so no other instance can exist).
   */
  leases?: LeaseStore;
  /** Names this instance as a lease owner; stable across restarts lets a restarted instance take its leases back at once. */
  instanceId?: string;
  /** How long a capture lease lasts without renewal; renewed (and free leases sought) every third of it. */
  leaseTtlMs?: number;
  /**
   * True when connections live in other processes (gateways over NATS) and
   * survive a restart of this service: a stored session marked connected is
   * restored as live. False (standalone): its connection died with the
   * process, so the session is offline from the restart on.
   */
  connectionsOutliveRestart?: boolean;
  logger: Logger;
  /** Clock; tests pass their own. */
  now?: () => number;
  metrics?: MetricsRegistry;
  /** Per-session bound of the offline queue (config `session.maxQueuedMessages` / `maxQueuedBytes`). */
  queueLimits?: QueueLimits;
  /** How often expiry and will delays are checked (one timer for all sessions). */
  sweepIntervalMs?: number;
  /** How long a takeover waits for the old connection to hand its session over. */
  handOverWaitMs?: number;
  /**
   * Distributed mode: watch the gateways' heartbeats (`mqp.gateway.heartbeat`)
   * and end every connection of one that dies (silent for 3 intervals, or
   * back with a new start time): their wills are published here, since their
   * gateway no longer can [MQTT-3.1.2-8], and persistent sessions go offline
   * (captured). `intervalMs`: config `gateway.heartbeatIntervalMs`, assumed
   * for a gateway not heard yet. Absent (standalone): gateways die with us.
   */
  gatewayLiveness?: { intervalMs: number; checkEveryMs?: number };
  /**
   * Distributed mode: announce the sessions captured here to the gateways and
   * store the messages they send for them before they acknowledge the
   * publisher (docs/architecture.md "Confirmed capture"); over NATS the bus
   * capture alone is lost with this process or the server.
   */
  confirmCaptures?: boolean;
}

/** MQTT 5.0 3.1.2.11.2: a Session Expiry Interval of 0xFFFFFFFF means the session does not expire. */
const NEVER_EXPIRES = 0xffffffff;

interface LiveSession extends SessionInfo {
  /** Seconds; decides whether the session outlives the connection. */
  expiryInterval: number;
  /** The CONNECT's will: published here only if the connection's gateway dies (its gateway handles every close it sees). */
  will?: SessionWill;
  /** The life of the gateway that opened the connection (OpenSessionRequest.gatewayStartedAt). */
  gatewayStartedAt?: number;
}

/** What names one connection to its gateway (a kick). */
type ConnectionRef = Pick<LiveSession, 'clientId' | 'connectionId' | 'gatewayId'>;

/**
 * `PersistentSessionRecord.connection` as this service writes it: the live
 * connection's will and its gateway's life go with it, so a restarted
 * service still publishes the will of a connection whose gateway dies, and a
 * restarted standalone broker publishes those of the connections that died
 * with it.
 */
type StoredConnection = NonNullable<PersistentSessionRecord['connection']>;

function storedConnectionOf(entry: Pick<LiveSession, 'gatewayId' | 'connectionId' | 'will' | 'gatewayStartedAt'>): StoredConnection {
  const out: StoredConnection = { gatewayId: entry.gatewayId, connectionId: entry.connectionId };
  if (entry.will) out.will = entry.will;
  if (entry.gatewayStartedAt !== undefined) out.gatewayStartedAt = entry.gatewayStartedAt;
  return out;
}

/** What a closing connection leaves in its session record. */
type HandOverChanges = Pick<PersistentSessionRecord, 'inflight' | 'pending' | 'awaitingRel' | 'will'>;

const EMPTY_HAND_OVER: SessionHandOver = { inflight: [], queued: [], awaitingRel: [] };

/**
 * The registry of live client ids across all gateways, takeover of a client
 * id that connects again, and persistent sessions on the store: the record
 * (subscriptions, expiry, inflight and unsent messages handed back, awaiting
 * PUBREL ids, the delayed will) in the SessionStore, the offline queue in the
 * QueueStore. Memory holds only a cache of the offline sessions this
 * instance captures for; `start()` rebuilds it from the store.
 */
export class SessionService implements SessionApi {
  // client id → the one connection that owns it.
  private readonly live = new Map<string, LiveSession>();
  /**
   * Gateway id → the connections ended when it fell silent, closed on the gateway if it turns out to have been only
   * cut off; forgotten once it is heard again, in whichever life.
   */
  private readonly endedForSilence = new Map<string, ConnectionRef[]>();
  private readonly serializer = new KeyedSerializer();
  private readonly bus: Bus;
  private readonly store: SessionStore;
  private readonly queues: QueueStore;
  private readonly leases: LeaseStore | undefined;
  private readonly owner: string;
  private readonly leaseTtlMs: number;
  private readonly connectionsOutliveRestart: boolean;
  private readonly logger: Logger;
  private readonly now: () => number;
  // client id → the offline persistent session this instance captures for.
  private readonly held = new Map<string, HeldSession>();
  // connection id of a taken-over connection → resolves when it handed its session over (or gave up).
  private readonly releases = new Map<string, () => void>();
  private readonly queueLimits: QueueLimits;
  private readonly queueDropped: Counter | undefined;
  private readonly queueStored: Counter | undefined;
  private readonly handOverWaitMs: number;
  private readonly sweeper: NodeJS.Timeout;
  private leaseTimer: NodeJS.Timeout | undefined;
  private sweeping = false;
  private leasing = false;
  private readonly liveness: GatewayLiveness | undefined;
  private readonly announcer: CaptureAnnouncer | undefined;
  private captureRequests: BusSubscription | undefined;
  /** Until start() has announced the restored captures, their bus subscriptions wait (see start). */
  private busCaptureDeferred = false;

  constructor(deps: SessionServiceDeps) {
    this.bus = deps.bus;
    this.store = deps.store;
    this.queues = deps.queues ?? new MemoryQueueStore();
    this.leases = deps.leases;
    this.owner = deps.instanceId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.leaseTtlMs = deps.leaseTtlMs ?? 15_000;
    this.connectionsOutliveRestart = deps.connectionsOutliveRestart ?? false;
    this.logger = deps.logger;
    this.now = deps.now ?? Date.now;
    this.queueLimits = deps.queueLimits ?? { maxMessages: 1000, maxBytes: 10 * 1024 * 1024 };
    this.handOverWaitMs = deps.handOverWaitMs ?? 3_000;
    this.queueDropped = deps.metrics?.counter('mqp_session_queue_dropped_total', 'Messages dropped from a full offline session queue (oldest first)');
    this.queueStored = deps.metrics?.counter('mqp_session_queue_stored_total', 'Messages captured for offline persistent sessions and committed to the store');
    // one timer for every session's expiry and will delay, not one per session
    this.sweeper = setInterval(() => this.sweep(), deps.sweepIntervalMs ?? 1_000);
    this.sweeper.unref();
    if (deps.confirmCaptures) this.announcer = new CaptureAnnouncer(this.bus, this.owner, this.logger);
    if (deps.gatewayLiveness) {
      this.liveness = new GatewayLiveness({
        bus: this.bus,
        logger: this.logger,
        now: this.now,
        intervalMs: deps.gatewayLiveness.intervalMs,
        ...(deps.gatewayLiveness.checkEveryMs !== undefined ? { checkEveryMs: deps.gatewayLiveness.checkEveryMs } : {}),
        onGone: (gatewayId, startedAt) => {
          this.gatewayGone(gatewayId, startedAt).catch((err: unknown) => this.logger.error('connections of a dead gateway not ended', { gatewayId, err }));
        },
        onHeardAfterSilence: (gatewayId, sameLife) => this.gatewayHeardAfterSilence(gatewayId, sameLife),
      });
    }
  }

  /**
   * Restores every stored persistent session: offline ones get their capture
   * back (when this instance wins their lease), their expiry and will timers;
   * a will or an expiry that fell due while the service was down fires now.
   * Resolves once the captures are live.
   */
  async start(): Promise<void> {
    // first, so the gateways of the restored live sessions are watched from now
    this.liveness?.start();
    this.busCaptureDeferred = this.announcer !== undefined;
    await this.restoreAll();
    if (this.announcer) {
      // After a restart the gateways hold the messages they could not hand over meanwhile and send them once they
      // hear this instance again. The restored captures are announced (and requests served) before their bus
      // subscriptions start, so those held messages arrive ahead of newer ones: each publisher's order is kept.
      this.captureRequests = serveCaptureRequests(this.bus, this.owner, this.logger, (clientId, message) => this.capturedFor(clientId, message));
      this.announcer.start();
      await this.bus.flush();
      this.busCaptureDeferred = false;
      for (const held of this.held.values()) if (held.capture) this.subscribeCapture(held);
    }
    await this.bus.flush();
    if (this.leases) {
      this.leaseTimer = setInterval(() => this.leaseTick(), Math.max(1, Math.floor(this.leaseTtlMs / 3)));
      this.leaseTimer.unref();
    }
    this.sweep();
  }

  /** Stops the timers and every capture; resolves once captured messages are in the store and the leases are given up. */
  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    this.liveness?.stop();
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    this.announcer?.stop();
    this.captureRequests?.unsubscribe();
    const held = [...this.held.values()];
    for (const h of held) this.stopCapture(h);
    await Promise.all(held.map((h) => this.settle(h)));
    if (this.leases) await Promise.all(held.map((h) => this.releaseLease(h.clientId)));
  }

  /** Sessions held between connections (tests check that expired ones are gone). */
  get heldCount(): number {
    return this.held.size;
  }

  async suspend(req: SuspendSessionRequest): Promise<void> {
    if (typeof req.clientId !== 'string' || typeof req.connectionId !== 'string' || !Array.isArray(req.subscriptions)) {
      throw new InvalidArgumentError('clientId, connectionId and subscriptions are required');
    }
    if (!this.owns(req.clientId, req.connectionId)) return;
    let held = this.held.get(req.clientId);
    if (!held) {
      held = new HeldSession(req.clientId);
      this.held.set(req.clientId, held);
      held.queued = await this.queues.stats(req.clientId);
    }
    held.subscriptions = req.subscriptions.map((s) => ({ ...s }));
    // A retried Suspend of the same connection keeps the capture it started.
    if (held.capture?.connectionId !== req.connectionId || !held.capture) this.startCapture(held, req.connectionId);
    // the gateway hands the session to this instance: it captures, and says so in the lease (another instance's overlap is removed by message id)
    if (this.leases) {
      this.leases.acquire(leaseName(req.clientId), this.owner, this.leaseTtlMs).catch((err: unknown) => this.logger.warn('capture lease not taken', { clientId: req.clientId, err }));
    }
    // ARCHITECTURE.md "Offline persistent sessions": the capture is live before the gateway drops its own subscriptions
    await this.bus.flush();
    try {
      const stored = await this.store.get(req.clientId);
      if (stored) await this.store.put({ ...stored, subscriptions: held.subscriptions.map(toStored), updatedAt: this.now() });
    } catch (err) {
      this.logger.warn('could not store the session subscriptions', { clientId: req.clientId, err });
    }
  }

  /**
   * Stores the subscriptions of a persistent session as they are granted, so
   * that a broker killed before the connection's hand-over (`suspend`/`close`)
   * still has them: resolves only once the store has the write. Through the
   * serializer, so it does not interleave with the read-modify-write of an
   * open, a close or another subscribe of the same client id.
   */
  async subscribe(req: SubscribeSessionRequest): Promise<void> {
    if (typeof req.clientId !== 'string' || typeof req.connectionId !== 'string' || !Array.isArray(req.subscriptions)) {
      throw new InvalidArgumentError('clientId, connectionId and subscriptions are required');
    }
    for (const sub of req.subscriptions) {
      if (typeof sub?.filter !== 'string' || ![0, 1, 2].includes(sub.qos)) throw new InvalidArgumentError('a subscription needs a filter and a QoS of 0, 1 or 2');
    }
    if (req.subscriptions.length === 0) return;
    await this.serializer.run(req.clientId, () =>
      this.updateSubscriptions(req.clientId, req.connectionId, (subs) => {
        // [MQTT-3.8.4-3] a subscription to the same filter replaces the existing one
        const byFilter = new Map(subs.map((s) => [s.filter, s]));
        for (const sub of req.subscriptions) byFilter.set(sub.filter, copySubscription(sub));
        return [...byFilter.values()];
      }),
    );
  }

  /** The counterpart of `subscribe`: the filters are gone from the store once this resolves. */
  async unsubscribe(req: UnsubscribeSessionRequest): Promise<void> {
    if (typeof req.clientId !== 'string' || typeof req.connectionId !== 'string' || !Array.isArray(req.filters)) {
      throw new InvalidArgumentError('clientId, connectionId and filters are required');
    }
    if (req.filters.length === 0) return;
    const gone = new Set(req.filters);
    await this.serializer.run(req.clientId, () => this.updateSubscriptions(req.clientId, req.connectionId, (subs) => subs.filter((s) => !gone.has(s.filter))));
  }

  /**
   * Applies `change` to the stored subscriptions of a persistent session (and
   * to its held state, if any) when `connectionId` owns the client id; a
   * non-persistent session or a connection that lost the id is ignored.
   * A store failure rejects: the caller says the subscription is not durable.
   */
  private async updateSubscriptions(clientId: string, connectionId: string, change: (subs: SessionSubscription[]) => SessionSubscription[]): Promise<void> {
    const live = this.live.get(clientId);
    if (!live || live.connectionId !== connectionId || live.expiryInterval === 0) return;
    const held = this.held.get(clientId);
    if (held) held.subscriptions = change(held.subscriptions);
    const stored = await this.store.get(clientId);
    const record: PersistentSessionRecord = stored ?? {
      // open() wrote the record; rebuild it if that write was lost
      clientId,
      protocolVersion: live.protocolVersion,
      expiryInterval: live.expiryInterval,
      subscriptions: [],
      updatedAt: this.now(),
      connection: storedConnectionOf(live),
    };
    const subscriptions = change(record.subscriptions.map(fromStored)).map(toStored);
    await this.store.put({ ...record, subscriptions, updatedAt: this.now() });
  }

  /**
   * Hands what the session holds to its resumed connection — inflight first,
   * then the unsent messages handed back, then the queue, duplicates removed
   * by message id — and removes it from the store. From here until the
   * connection ends, the gateway holds these messages.
   */
  async resume(req: ResumeSessionRequest): Promise<SessionHandOver> {
    if (typeof req.clientId !== 'string' || typeof req.connectionId !== 'string') throw new InvalidArgumentError('clientId and connectionId are required');
    return this.serializer.run(req.clientId, async () => {
      if (this.live.get(req.clientId)?.connectionId !== req.connectionId) return { ...EMPTY_HAND_OVER };
      const held = this.held.get(req.clientId);
      if (held) {
        // the resumed connection has subscribed again: the capture can stop, its overlap is removed by message id at the gateway
        this.stopCapture(held);
        await this.settle(held);
        held.ended = true;
        this.held.delete(req.clientId);
        if (this.leases) await this.releaseLease(req.clientId);
      }
      const record = await this.store.get(req.clientId);
      const entries = await this.queues.list(req.clientId);
      const out = handOverOf(record, entries);
      if (entries.length > 0) await this.queues.remove(req.clientId, entries.map((e) => e.seq));
      if (record && (record.inflight?.length || record.pending?.length || record.awaitingRel?.length)) {
        await this.store.put(withoutFields({ ...record, updatedAt: this.now() }, ['inflight', 'pending', 'awaitingRel']));
      }
      return out;
    });
  }

  // Not async: the serializer's promise is returned as is rather than wrapped in another (issue 6: allocation per CONNECT).
  open(req: OpenSessionRequest): Promise<OpenSessionResult> {
    try {
      checkOpenRequest(req);
    } catch (err) {
      // rejects, as an async function would: callers never see a synchronous throw
      return Promise.reject(err);
    }
    return this.serializer.run(req.clientId, () => this.openNow(req));
  }

  async close(req: CloseSessionRequest): Promise<void> {
    if (typeof req.clientId !== 'string' || typeof req.connectionId !== 'string') throw new InvalidArgumentError('clientId and connectionId are required');
    const release = this.releases.get(req.connectionId);
    if (release) {
      // a taken-over connection handing its session to the open() waiting for it (which holds the serializer)
      try {
        const changes = this.handOverChanges(req);
        if (changes) await this.writeRecord(req.clientId, changes);
      } catch (err) {
        this.logger.error('could not store the handed-over session', { clientId: req.clientId, err });
      } finally {
        release();
      }
      return;
    }
    return this.serializer.run(req.clientId, async () => {
      const current = this.live.get(req.clientId);
      // A connection that was taken over closes late: its successor owns the id now and stays.
      if (!current || current.connectionId !== req.connectionId) return;
      this.live.delete(req.clientId);
      // [MQTT-3.14.2-2] the gateway refuses a change from 0; any other change applies from now
      if (req.sessionExpiryInterval !== undefined && current.expiryInterval > 0) current.expiryInterval = req.sessionExpiryInterval;
      await this.endConnection(current, this.handOverChanges(req));
    });
  }

  async list(): Promise<SessionInfo[]> {
    return [...this.live.values()].map(toInfo);
  }

  async resetGateway(req: { gatewayId: string }): Promise<void> {
    if (typeof req.gatewayId !== 'string' || req.gatewayId === '') throw new InvalidArgumentError('gatewayId is required');
    // its connections died with its previous life, without DISCONNECT: their wills go out here [MQTT-3.1.2-8]
    const ended = await this.endGatewayConnections(req.gatewayId, () => true);
    if (ended.length > 0) this.logger.info('gateway sessions reset', { gatewayId: req.gatewayId, sessions: ended.length });
  }

  /**
   * The liveness watcher found a gateway dead: silent (`startedAt`
   * undefined: every connection it had), or back with a new life (the
   * connections of its earlier lives). Each ended without DISCONNECT.
   */
  private async gatewayGone(gatewayId: string, startedAt: number | undefined): Promise<void> {
    const earlier = (e: LiveSession): boolean => startedAt === undefined || e.gatewayStartedAt === undefined || e.gatewayStartedAt < startedAt;
    const ended = await this.endGatewayConnections(gatewayId, earlier);
    // silent may mean cut off from the bus rather than dead: if it comes back, these are closed there (gatewayHeardAfterSilence)
    if (startedAt === undefined && ended.length > 0) {
      const refs = ended.map(({ clientId, connectionId }): ConnectionRef => ({ clientId, connectionId, gatewayId }));
      this.endedForSilence.set(gatewayId, [...(this.endedForSilence.get(gatewayId) ?? []), ...refs]);
    }
    if (ended.length > 0) this.logger.warn('connections of a dead gateway ended', { gatewayId, sessions: ended.length });
  }

  /**
   * A gateway declared dead for its silence is heard again. In the same life
   * it was cut off from the bus and its clients may still be connected to it,
   * though their sessions ended here (wills published, persistent sessions
   * taken offline and captured): it is told to close those connections
   * without will or hand-over, and the clients reconnect and find their
   * sessions here. In a new life they are gone already; either way the list
   * is dropped.
   */
  private gatewayHeardAfterSilence(gatewayId: string, sameLife: boolean): void {
    const ended = this.endedForSilence.get(gatewayId) ?? [];
    this.endedForSilence.delete(gatewayId);
    if (sameLife) for (const ref of ended) this.kick(ref, ReasonCode.UseAnotherServer, true);
  }

  /**
   * Ends the connections of `gatewayId` that `which` picks, as a network
   * connection closed without DISCONNECT: a non-persistent session ends, a
   * persistent one goes offline (captured from its stored subscriptions),
   * and the will the connection left at open goes out after min(will delay,
   * session expiry) [MQTT-3.1.3-9] — here, once: the gateway that could have
   * published it is gone. Resolves with the connections it ended.
   */
  private async endGatewayConnections(gatewayId: string, which: (entry: LiveSession) => boolean): Promise<LiveSession[]> {
    const ending: Promise<LiveSession | undefined>[] = [];
    for (const entry of this.live.values()) {
      if (entry.gatewayId !== gatewayId || !which(entry)) continue;
      // Through the serializer so an open racing with this is not half undone.
      ending.push(
        this.serializer.run(entry.clientId, async () => {
          const current = this.live.get(entry.clientId);
          if (current?.connectionId !== entry.connectionId) return undefined;
          this.live.delete(entry.clientId);
          await this.endConnection(current, this.abandonedWill(current));
          await this.publishDueWill(current.clientId);
          return current;
        }),
      );
    }
    return (await Promise.all(ending)).filter((e): e is LiveSession => e !== undefined);
  }

  /** [MQTT-3.1.2-8] [MQTT-3.1.3-9] the will of a connection lost without DISCONNECT, due after min(Will Delay Interval, Session Expiry Interval). */
  private abandonedWill(entry: LiveSession): HandOverChanges | undefined {
    if (!entry.will) return undefined;
    const delaySeconds = Math.min(entry.will.delaySeconds, entry.expiryInterval);
    return { will: { message: entry.will.message, dueAt: this.now() + delaySeconds * 1000 } };
  }

  /** A held session's will that is due already goes out now, not at the next sweep. Never rejects. */
  private async publishDueWill(clientId: string): Promise<void> {
    const held = this.held.get(clientId);
    if (!held?.will || held.will.dueAt > this.now()) return;
    this.publishWill(held);
    try {
      await this.writeRecord(clientId, { will: undefined });
    } catch (err) {
      this.logger.warn('published will not cleared from the store', { clientId, err });
    }
  }

  private async openNow(req: OpenSessionRequest): Promise<OpenSessionResult> {
    const result: OpenSessionResult = { sessionPresent: false };
    const previous = this.live.get(req.clientId);
    // The same connection asking again (a retried call) is not a takeover.
    if (previous && previous.connectionId !== req.connectionId) {
      const released = !req.cleanStart && previous.expiryInterval > 0 ? this.awaitRelease(previous.connectionId) : undefined;
      // [MQTT-3.1.4-2] the server disconnects the existing client with this client id
      // (MQTT 5.0 [MQTT-3.1.4-3]: with DISCONNECT reason 0x8E Session taken over).
      this.kick(previous);
      result.takenOver = { gatewayId: previous.gatewayId, connectionId: previous.connectionId };
      // the session continues: wait (bounded) for the old connection to hand over its subscriptions and messages
      if (released) await released;
      this.live.delete(req.clientId);
    }

    const now = this.now();
    let stored: PersistentSessionRecord | undefined;
    const held = this.held.get(req.clientId);
    if (req.cleanStart) {
      // [MQTT-3.1.2-4] Clean Start discards any existing session
      if (held) await this.endHeld(held, true);
      await this.deleteSession(req.clientId);
    } else {
      stored = await this.store.get(req.clientId);
      if (stored && isExpired(stored, now) && !previous) {
        if (held) await this.endHeld(held, true);
        await this.deleteSession(req.clientId);
        stored = undefined;
      }
      // [MQTT-3.2.2-3] (3.1.1: [MQTT-3.2.2-2]) Session Present is 1 when the server resumes a stored session
      result.sessionPresent = stored !== undefined;
      const current = this.held.get(req.clientId);
      if (current && !stored) await this.endHeld(current, true);
      else if (current) {
        // [MQTT-3.1.3-9] the client is back before the will delay passed: the will is not sent
        // (the capture goes on until resume(): the overlap of the hand-over)
        current.will = undefined;
        current.expiresAt = undefined;
      }
      if (stored) result.subscriptions = stored.subscriptions.map(fromStored);
    }

    const entry: LiveSession = {
      clientId: req.clientId,
      gatewayId: req.gatewayId,
      connectionId: req.connectionId,
      protocolVersion: req.protocolVersion,
      connectedAt: now,
      expiryInterval: req.sessionExpiryInterval,
      // in the literal, undefined or not: every gateway sends it, and a property added afterwards costs each live session a property array (issue 6)
      gatewayStartedAt: req.gatewayStartedAt,
    };
    if (req.will) entry.will = req.will;
    if (req.sessionExpiryInterval > 0 || stored) {
      if (!stored) await this.queues.clear(req.clientId); // leftovers of a session that ended in a crash
      const record: PersistentSessionRecord = {
        clientId: req.clientId,
        protocolVersion: req.protocolVersion,
        expiryInterval: req.sessionExpiryInterval,
        subscriptions: stored?.subscriptions ?? [],
        updatedAt: now,
        connection: storedConnectionOf(entry),
      };
      // what the previous connection left stays until resume() hands it over; the will is cancelled, expiry stopped
      if (stored?.inflight) record.inflight = stored.inflight;
      if (stored?.pending) record.pending = stored.pending;
      if (stored?.awaitingRel) record.awaitingRel = stored.awaitingRel;
      await this.store.put(record);
    }

    this.live.set(req.clientId, entry);
    this.liveness?.expect(req.gatewayId);
    return result;
  }

  private kick(previous: ConnectionRef, reasonCode: number = ReasonCode.SessionTakenOver, ended = false): void {
    try {
      const cmd: GatewayCommand = { kind: 'kick', clientId: previous.clientId, connectionId: previous.connectionId, reasonCode };
      if (ended) cmd.ended = true;
      this.bus.publish(subjects.gatewayControl(previous.gatewayId), encodeGatewayCommand(cmd));
    } catch (err) {
      // The takeover still happens: the old connection's late close is ignored, and its gateway
      // drops it when it next hears from us or the client.
      this.logger.error('could not send the takeover kick', { clientId: previous.clientId, gatewayId: previous.gatewayId, err });
    }
  }

  private owns(clientId: string, connectionId: string): boolean {
    return this.live.get(clientId)?.connectionId === connectionId || this.releases.has(connectionId);
  }

  private awaitRelease(connectionId: string): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.handOverWaitMs);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.releases.set(connectionId, () => {
        this.releases.delete(connectionId);
        done();
      });
      timer.unref?.();
    }).finally(() => this.releases.delete(connectionId));
  }

  /**
   * The record fields a closing connection sets: what it had not delivered
   * (bounded by the queue limits, oldest dropped) and its delayed will.
   * Undefined when it hands nothing over.
   */
  private handOverChanges(req: CloseSessionRequest): HandOverChanges | undefined {
    if (!req.handOver && !req.will) return undefined;
    const changes: HandOverChanges = {};
    if (req.handOver) {
      const seen = new Set<string>();
      const unique = (list: readonly SessionMessage[]): StoredDelivery[] => list.filter((m) => !seen.has(m.message.id) && seen.add(m.message.id)).map(toDelivery);
      changes.inflight = unique(req.handOver.inflight);
      let pending = unique(req.handOver.queued);
      let bytes = pending.reduce((n, m) => n + m.message.payload.length, 0);
      let dropped = 0;
      while (pending.length > 0 && (pending.length > this.queueLimits.maxMessages || bytes > this.queueLimits.maxBytes)) {
        bytes -= pending[0]!.message.payload.length;
        pending = pending.slice(1);
        dropped++;
      }
      if (dropped > 0) this.queueDropped?.inc(dropped);
      changes.pending = pending;
      changes.awaitingRel = [...new Set(req.handOver.awaitingRel)];
    }
    if (req.will) changes.will = { message: req.will.message, dueAt: this.now() + req.will.delaySeconds * 1000 };
    return changes;
  }

  /** Read-modify-write of a stored record; a missing record stays missing. */
  private async writeRecord(clientId: string, changes: Partial<PersistentSessionRecord>): Promise<void> {
    const stored = await this.store.get(clientId);
    if (stored) {
      const record: PersistentSessionRecord = { ...stored, ...changes, updatedAt: this.now() };
      if (record.will === undefined) delete record.will;
      await this.store.put(record);
    }
    const held = this.held.get(clientId);
    if (held) this.applyToHeld(held, changes);
  }

  private applyToHeld(held: HeldSession, changes: Partial<PersistentSessionRecord>): void {
    if ('will' in changes) held.will = changes.will;
    if (changes.pending) {
      held.pendingCount = changes.pending.length;
      held.pendingBytes = changes.pending.reduce((n, m) => n + m.message.payload.length, 0);
    }
  }

  private startCapture(held: HeldSession, connectionId: string | undefined): void {
    held.stopCapture();
    held.capture = { connectionId, subscriptions: [] };
    this.announcer?.set(held.clientId, held.subscriptions.map((s) => s.filter));
    if (!this.busCaptureDeferred) this.subscribeCapture(held);
  }

  private subscribeCapture(held: HeldSession): void {
    if (!held.capture) return;
    for (const sub of held.subscriptions) {
      for (const subject of subjects.messagesFor(sub.filter)) {
        held.capture.subscriptions.push(
          // a message a gateway also sends in a capture request is taken from the request, in that gateway's order
          this.bus.subscribe(subject, (m) => (this.announcer?.requestBrings(held.clientId, m.headers) ? undefined : this.captured(held, m))),
        );
      }
    }
  }

  private stopCapture(held: HeldSession): void {
    if (!held.capture) return;
    held.stopCapture();
    this.announcer?.drop(held.clientId);
  }

  /** A message a gateway sent for `clientId` (a confirmed capture): stored like one from the bus, if captured here. */
  private capturedFor(clientId: string, message: Uint8Array): Promise<void> | undefined {
    const held = this.held.get(clientId);
    return held?.capture ? this.captured(held, message) : undefined;
  }

  /**
   * Returns the store write that will hold the message (the batch it joins):
   * the bus's `settle()` waits for it, so in standalone mode a publisher's
   * PUBACK/PUBREC comes only once the offline copy is committed (issue 4:
   * nothing acknowledged is lost to a crash).
   */
  private captured(held: HeldSession, envelope: BusMessage | Uint8Array): Promise<void> | undefined {
    try {
      if (held.ended) return undefined;
      const message = envelope instanceof Uint8Array ? decodeMessage(envelope) : messageFromBus(envelope);
      if (message.expiresAt !== undefined && message.expiresAt <= this.now()) return undefined;
      const qos = held.deliveryQoS(message);
      // only QoS 1 and 2 are kept for an offline session (QoS 0 may be dropped, MQTT 5.0 §3.1.2.4)
      if (qos === undefined || qos === 0) return undefined;
      held.buffer.push({ message, qos });
      // taken before drain(), which hands this batch (and clears bufferStored) before its first await
      const stored = (held.bufferStored ??= storedSignal());
      if (!held.draining) held.draining = this.drain(held);
      return stored.promise;
    } catch (err) {
      this.logger.warn('captured message not kept', { clientId: held.clientId, err });
      return undefined;
    }
  }

  /**
   * Appends what the capture buffered, one store write per batch (a burst
   * becomes one transaction, not one per message), in arrival order, then
   * drops the oldest beyond the limits. Never rejects.
   */
  private async drain(held: HeldSession): Promise<void> {
    try {
      while (held.buffer.length > 0 && !held.ended) {
        const batch = held.buffer;
        const stored = held.bufferStored;
        held.buffer = [];
        held.bufferStored = undefined;
        let added: number;
        try {
          added = await this.queues.appendMany(held.clientId, batch);
        } catch (err) {
          stored?.reject(err);
          throw err;
        }
        stored?.resolve();
        if (added === batch.length) {
          held.queued.count += added;
          held.queued.bytes += batch.reduce((n, m) => n + m.message.payload.length, 0);
        } else {
          held.queued = await this.queues.stats(held.clientId);
        }
        this.queueStored?.inc(added);
        if (held.overLimits(this.queueLimits)) await this.trim(held);
      }
    } catch (err) {
      this.logger.error('captured messages not stored', { clientId: held.clientId, err });
    } finally {
      held.draining = undefined;
    }
    if (held.ended) {
      // the session ended (resumed, expired, taken over) with messages still buffered: nothing more to store for it, release their publishers' acks
      held.buffer = [];
      held.bufferStored?.resolve();
      held.bufferStored = undefined;
    } else if (held.buffer.length > 0) held.draining = this.drain(held);
  }

  /** The queue and the unsent messages ahead of it stay within the limits: the oldest queued go first. */
  private async trim(held: HeldSession): Promise<void> {
    const maxCount = Math.max(0, this.queueLimits.maxMessages - held.pendingCount);
    const maxBytes = Math.max(0, this.queueLimits.maxBytes - held.pendingBytes);
    const dropped = await this.queues.trim(held.clientId, maxCount, maxBytes);
    if (dropped > 0) this.queueDropped?.inc(dropped);
    held.queued = await this.queues.stats(held.clientId);
  }

  /** Resolves once every message the capture got is in the store. */
  private async settle(held: HeldSession): Promise<void> {
    while (held.draining) await held.draining;
  }

  /** Ends a held session here: capture stopped, its captures settled, its pending will published (the session ended, MQTT 5.0 §3.1.3.2.2). */
  private async endHeld(held: HeldSession, publishWill: boolean): Promise<void> {
    this.stopCapture(held);
    await this.settle(held);
    held.ended = true;
    if (this.held.get(held.clientId) === held) this.held.delete(held.clientId);
    if (publishWill && held.will) this.publishWill(held);
  }

  /** Removes everything the store has of a session: its queue, its record, its capture lease. */
  private async deleteSession(clientId: string): Promise<void> {
    await this.queues.clear(clientId);
    await this.store.delete(clientId);
    if (this.leases) await this.releaseLease(clientId);
  }

  private publishWill(held: HeldSession): void {
    const will = held.will;
    held.will = undefined;
    if (!will) return;
    try {
      const now = this.now();
      const message = { ...will.message, createdAt: now };
      // MQTT 5.0 §3.1.3.2.4: the will's Message Expiry Interval runs from its publication, not from the CONNECT or the disconnect
      const expiry = message.properties?.messageExpiryInterval;
      if (expiry !== undefined) message.expiresAt = now + expiry * 1000;
      this.bus.publish(subjects.message(will.message.topic), lazyMessage(message));
    } catch (err) {
      this.logger.warn('delayed will not published', { clientId: held.clientId, err });
    }
  }

  /** One pass over the held sessions: due wills are published, expired sessions removed (nothing outlives expiry). */
  private sweep(): void {
    if (this.sweeping) return;
    this.sweeping = true;
    this.sweepNow()
      .catch((err: unknown) => this.logger.error('session sweep failed', { err }))
      .finally(() => {
        this.sweeping = false;
      });
  }

  private async sweepNow(): Promise<void> {
    const now = this.now();
    for (const held of [...this.held.values()]) {
      if (this.live.has(held.clientId)) continue;
      const expired = held.expiresAt !== undefined && held.expiresAt <= now;
      if (!expired && !(held.will && held.will.dueAt <= now)) continue;
      await this.serializer.run(held.clientId, async () => {
        if (this.held.get(held.clientId) !== held || this.live.has(held.clientId)) return;
        try {
          if (expired) {
            await this.endHeld(held, true);
            await this.deleteSession(held.clientId);
          } else if (held.will && held.will.dueAt <= now) {
            this.publishWill(held);
            await this.writeRecord(held.clientId, { will: undefined });
          }
        } catch (err) {
          this.logger.warn('could not end an expired session or its will', { clientId: held.clientId, err });
        }
      });
    }
  }

  /** The connection ended: a persistent session starts its expiry now and is captured for; any other ends with it. */
  private async endConnection(entry: LiveSession, changes: HandOverChanges | undefined): Promise<void> {
    try {
      if (entry.expiryInterval > 0) {
        const expiresAt = entry.expiryInterval >= NEVER_EXPIRES ? undefined : this.now() + entry.expiryInterval * 1000;
        const stored = await this.store.get(entry.clientId);
        if (!stored) return;
        const record: PersistentSessionRecord = withoutFields({ ...stored, ...changes, expiryInterval: entry.expiryInterval, updatedAt: this.now() }, ['connection', 'expiresAt']);
        if (expiresAt !== undefined) record.expiresAt = expiresAt;
        if (!record.will) delete record.will;
        await this.store.put(record);
        let held = this.held.get(entry.clientId);
        if (!held || !held.capture) {
          // no suspend came (its gateway went away): capture from the stored subscriptions
          held ??= await this.holdFromRecord(record);
          if (!held.capture) this.startCapture(held, undefined);
        }
        held.expiresAt = expiresAt;
        this.applyToHeld(held, changes ?? {});
      } else {
        const held = this.held.get(entry.clientId);
        if (held) {
          if (changes?.will) held.will = changes.will;
          await this.endHeld(held, true);
        } else if (changes?.will) {
          // MQTT 5.0 3.1.2.11.2: the session ends with the connection, and with it the will delay
          const gone = new HeldSession(entry.clientId);
          gone.will = changes.will;
          this.publishWill(gone);
        }
        // MQTT 5.0 3.1.2.11.2: with Session Expiry Interval 0 the session ends when the connection closes.
        await this.deleteSession(entry.clientId);
      }
    } catch (err) {
      this.logger.error('could not update the stored session on close', { clientId: entry.clientId, err });
    }
  }

  /** The cache entry of an offline session, from its record and queue stats (not yet capturing). */
  private async holdFromRecord(record: PersistentSessionRecord): Promise<HeldSession> {
    const held = new HeldSession(record.clientId);
    held.subscriptions = record.subscriptions.map(fromStored);
    held.will = record.will ? { ...record.will } : undefined;
    held.expiresAt = record.expiresAt;
    this.applyToHeld(held, { pending: record.pending ?? [] });
    held.queued = await this.queues.stats(record.clientId);
    this.held.set(record.clientId, held);
    return held;
  }

  private async restoreAll(): Promise<void> {
    const now = this.now();
    for (const record of await this.store.list()) {
      try {
        await this.serializer.run(record.clientId, () => this.restore(record, now));
      } catch (err) {
        this.logger.error('persistent session not restored', { clientId: record.clientId, err });
      }
    }
  }

  /** Restores one stored session (see start()). */
  private async restore(record: PersistentSessionRecord, now: number): Promise<void> {
    if (this.live.has(record.clientId) || this.held.has(record.clientId)) return;
    const connection = record.connection as StoredConnection | undefined;
    if (connection && this.connectionsOutliveRestart) {
      // its gateway still has the connection (or is found dead by the liveness watch): it is live, and will close or suspend it as usual
      const entry: LiveSession = {
        clientId: record.clientId,
        gatewayId: connection.gatewayId,
        connectionId: connection.connectionId,
        protocolVersion: record.protocolVersion,
        connectedAt: record.updatedAt,
        expiryInterval: record.expiryInterval,
      };
      if (connection.will) entry.will = connection.will;
      if (connection.gatewayStartedAt !== undefined) entry.gatewayStartedAt = connection.gatewayStartedAt;
      this.live.set(record.clientId, entry);
      this.liveness?.expect(connection.gatewayId);
      return;
    }
    let current = record;
    if (connection || (record.expiresAt === undefined && record.expiryInterval < NEVER_EXPIRES)) {
      // its connection died with the previous process (or the record predates expiresAt): the expiry counts from now
      const since = connection ? now : record.updatedAt;
      current = withoutFields({ ...record, updatedAt: now }, ['connection', 'expiresAt']);
      if (record.expiryInterval < NEVER_EXPIRES) current.expiresAt = since + record.expiryInterval * 1000;
      if (connection?.will) {
        // [MQTT-3.1.2-8] a crash closes the network connection without DISCONNECT: its will goes out after min(will delay, expiry) from the restart
        current.will = { message: connection.will.message, dueAt: now + Math.min(connection.will.delaySeconds, record.expiryInterval) * 1000 };
      }
    }
    if (current.expiresAt !== undefined && current.expiresAt <= now) {
      // expired while the service was down: nothing stays, and a pending will goes out now (the session ended)
      const gone = new HeldSession(record.clientId);
      gone.will = current.will;
      await this.deleteSession(record.clientId);
      this.publishWill(gone);
      return;
    }
    if (this.leases && !(await this.leases.acquire(leaseName(record.clientId), this.owner, this.leaseTtlMs))) return; // another instance captures it
    if (current !== record) await this.store.put(current);
    const held = await this.holdFromRecord(current);
    this.startCapture(held, undefined);
  }

  /**
   * With leases: renews the leases of the sessions captured here (one lost
   * to another instance stops its capture here), then takes over offline
   * sessions whose lease expired, e.g. because their instance died.
   */
  private leaseTick(): void {
    if (this.leasing || !this.leases) return;
    this.leasing = true;
    this.renewAndTakeOver()
      .catch((err: unknown) => this.logger.warn('capture lease round failed', { err }))
      .finally(() => {
        this.leasing = false;
      });
  }

  private async renewAndTakeOver(): Promise<void> {
    const leases = this.leases;
    if (!leases) return;
    // all renewals at once (the embedded store commits them as one transaction); a store error keeps
    // the capture running here: a duplicate is removed by message id, a gap would lose messages
    const mine = [...this.held.values()];
    const renewed = await Promise.all(mine.map((h) => leases.acquire(leaseName(h.clientId), this.owner, this.leaseTtlMs).catch(() => true)));
    for (const [i, held] of mine.entries()) {
      if (renewed[i]) continue;
      await this.serializer.run(held.clientId, async () => {
        if (this.held.get(held.clientId) !== held) return;
        this.stopCapture(held);
        await this.settle(held);
        held.ended = true;
        this.held.delete(held.clientId);
        this.logger.info('capture handed to another instance', { clientId: held.clientId });
      });
    }
    const before = this.held.size;
    await this.restoreAll();
    if (this.held.size > before) {
      await this.bus.flush();
      this.logger.info('captures taken over', { sessions: this.held.size - before });
    }
  }

  private async releaseLease(clientId: string): Promise<void> {
    try {
      await this.leases?.release(leaseName(clientId), this.owner);
    } catch (err) {
      this.logger.warn('capture lease not released (it expires on its own)', { clientId, err });
    }
  }
}

/** A promise with its settle functions (what `captured` returns for one batch). */
function storedSignal(): NonNullable<HeldSession['bufferStored']> {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // a rejection is reported by whoever awaits it (the bus's settle); never unhandled here
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

function leaseName(clientId: string): string {
  return `session-capture/${clientId}`;
}

/** Inflight first, then the unsent handed back, then the queue; a message id appears once. */
function handOverOf(record: PersistentSessionRecord | undefined, entries: readonly QueuedEntry[]): SessionHandOver {
  const seen = new Set<string>();
  const keep = (d: StoredDelivery): boolean => !seen.has(d.message.id) && seen.add(d.message.id) !== undefined;
  const inflight = (record?.inflight ?? []).filter(keep).map(toSessionMessage);
  const queued = [...(record?.pending ?? []), ...entries].filter(keep).map(toSessionMessage);
  return { inflight, queued, awaitingRel: [...(record?.awaitingRel ?? [])] };
}

function toSessionMessage(d: StoredDelivery): SessionMessage {
  const out: SessionMessage = { message: d.message, qos: d.qos };
  if (d.packetId !== undefined) out.packetId = d.packetId;
  if (d.released) out.released = true;
  return out;
}

function toDelivery(m: SessionMessage): StoredDelivery {
  const out: StoredDelivery = { message: m.message, qos: m.qos };
  if (m.packetId !== undefined) out.packetId = m.packetId;
  if (m.released) out.released = true;
  return out;
}

/** A copy of `record` without these optional fields (absent, not undefined, so every adapter stores the same shape). */
type OptionalField = 'inflight' | 'pending' | 'awaitingRel' | 'will' | 'connection' | 'expiresAt';

function withoutFields(record: PersistentSessionRecord, fields: readonly OptionalField[]): PersistentSessionRecord {
  const out: PersistentSessionRecord = { ...record };
  for (const f of fields) delete out[f];
  return out;
}

function isExpired(record: PersistentSessionRecord, now: number): boolean {
  if (record.connection) return false;
  if (record.expiresAt !== undefined) return record.expiresAt <= now;
  if (record.expiryInterval >= NEVER_EXPIRES) return false;
  return record.updatedAt + record.expiryInterval * 1000 <= now;
}

function copySubscription(s: SessionSubscription): SessionSubscription {
  const out: SessionSubscription = { filter: s.filter, qos: s.qos, noLocal: s.noLocal === true, retainAsPublished: s.retainAsPublished === true };
  if (s.subscriptionId !== undefined) out.subscriptionId = s.subscriptionId;
  return out;
}

/** Only the options that are set are stored (absent reads as false / no identifier). */
function toStored(s: SessionSubscription): StoredSubscription {
  const out: StoredSubscription = { filter: s.filter, qos: s.qos };
  if (s.noLocal) out.noLocal = true;
  if (s.retainAsPublished) out.retainAsPublished = true;
  if (s.subscriptionId !== undefined) out.subscriptionId = s.subscriptionId;
  return out;
}

function fromStored(s: StoredSubscription): SessionSubscription {
  const out: SessionSubscription = { filter: s.filter, qos: s.qos, noLocal: s.noLocal === true, retainAsPublished: s.retainAsPublished === true };
  if (s.subscriptionId !== undefined) out.subscriptionId = s.subscriptionId;
  return out;
}

function toInfo(entry: LiveSession): SessionInfo {
  return {
    clientId: entry.clientId,
    gatewayId: entry.gatewayId,
    connectionId: entry.connectionId,
    protocolVersion: entry.protocolVersion,
    connectedAt: entry.connectedAt,
  };
}

function checkOpenRequest(req: OpenSessionRequest): void {
  for (const key of ['clientId', 'gatewayId', 'connectionId'] as const) {
    if (typeof req[key] !== 'string') throw new InvalidArgumentError(`${key} is required`);
  }
  if (req.gatewayId === '' || req.connectionId === '') throw new InvalidArgumentError('gatewayId and connectionId must not be empty');
  if (!Number.isInteger(req.sessionExpiryInterval) || req.sessionExpiryInterval < 0) {
    throw new InvalidArgumentError('sessionExpiryInterval must be a non-negative integer');
  }
  if (req.will !== undefined && (typeof req.will?.message?.topic !== 'string' || !Number.isInteger(req.will.delaySeconds) || req.will.delaySeconds < 0)) {
    throw new InvalidArgumentError('a will needs a message and a non-negative integer delay');
  }
}
