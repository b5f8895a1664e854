import type { Bus } from '@mqp/bus';
import {
  decodeMessage,
  encodeGatewayCommand,
  encodeMessage,
  subjects,
  type ResumeSessionRequest,
  type SessionHandOver,
  type SuspendSessionRequest,
  type CloseSessionRequest,
  type OpenSessionRequest,
  type OpenSessionResult,
  type SessionApi,
  type SessionInfo,
  type SessionSubscription,
  type SubscribeSessionRequest,
  type UnsubscribeSessionRequest,
} from '@mqp/contracts';
import { InvalidArgumentError } from '@mqp/model';
import { ReasonCode } from '@mqp/protocol';
import type { Counter, Logger, MetricsRegistry } from '@mqp/runtime';
import type { PersistentSessionRecord, SessionStore, StoredSubscription } from '@mqp/storage';
import { HeldSession, type QueueLimits } from './held-session';
import { KeyedSerializer } from './keyed-serializer';

export interface SessionServiceDeps {
  bus: Bus;
  store: SessionStore;
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
}

/** MQTT 5.0 3.1.2.11.2: a Session Expiry Interval of 0xFFFFFFFF means the session does not expire. */
const NEVER_EXPIRES = 0xffffffff;

interface LiveSession extends SessionInfo {
  /** Seconds; decides whether the session outlives the connection. */
  expiryInterval: number;
}

/**
 * The registry of live client ids across all gateways, takeover of a client
 * id that connects again, and the minimal persistent-session record that
 * decides Session Present. (Subscriptions, queued messages and expiry timers
 * of persistent sessions are a later issue.)
 */
export class SessionService implements SessionApi {
  // client id → the one connection that owns it.
  private readonly live = new Map<string, LiveSession>();
  private readonly serializer = new KeyedSerializer();
  private readonly bus: Bus;
  private readonly store: SessionStore;
  private readonly logger: Logger;
  private readonly now: () => number;
  // client id → the state of its persistent session held between connections.
  private readonly held = new Map<string, HeldSession>();
  // connection id of a taken-over connection → resolves when it handed its session over (or gave up).
  private readonly releases = new Map<string, () => void>();
  private readonly queueLimits: QueueLimits;
  private readonly queueDropped: Counter | undefined;
  private readonly handOverWaitMs: number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(deps: SessionServiceDeps) {
    this.bus = deps.bus;
    this.store = deps.store;
    this.logger = deps.logger;
    this.now = deps.now ?? Date.now;
    this.queueLimits = deps.queueLimits ?? { maxMessages: 1000, maxBytes: 10 * 1024 * 1024 };
    this.handOverWaitMs = deps.handOverWaitMs ?? 3_000;
    this.queueDropped = deps.metrics?.counter('mqp_session_queue_dropped_total', 'Messages dropped from a full offline session queue (oldest first)');
    // one timer for every session's expiry and will delay, not one per session
    this.sweeper = setInterval(() => this.sweep(), deps.sweepIntervalMs ?? 1_000);
    this.sweeper.unref();
  }

  /** Stops the sweep timer and every capture. */
  stop(): void {
    clearInterval(this.sweeper);
    for (const h of this.held.values()) h.stopCapture();
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
    const held = this.heldFor(req.clientId);
    held.subscriptions = req.subscriptions.map((s) => ({ ...s }));
    // A retried Suspend of the same connection keeps the capture it started.
    if (held.capture?.connectionId !== req.connectionId) {
      held.stopCapture();
      const subscriptions = [];
      for (const sub of held.subscriptions) {
        for (const subject of subjects.messagesFor(sub.filter)) subscriptions.push(this.bus.subscribe(subject, (m) => this.captured(held, m.data)));
      }
      held.capture = { connectionId: req.connectionId, subscriptions };
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
    };
    const subscriptions = change(record.subscriptions.map(fromStored)).map(toStored);
    await this.store.put({ ...record, subscriptions, updatedAt: this.now() });
  }

  async resume(req: ResumeSessionRequest): Promise<SessionHandOver> {
    if (typeof req.clientId !== 'string' || typeof req.connectionId !== 'string') throw new InvalidArgumentError('clientId and connectionId are required');
    const held = this.held.get(req.clientId);
    if (!held || this.live.get(req.clientId)?.connectionId !== req.connectionId) return { inflight: [], queued: [], awaitingRel: [] };
    // the resumed connection has subscribed again: the capture can stop, its overlap is removed by message id at the gateway
    held.stopCapture();
    return held.take();
  }

  async open(req: OpenSessionRequest): Promise<OpenSessionResult> {
    checkOpenRequest(req);
    return this.serializer.run(req.clientId, () => this.openNow(req));
  }

  async close(req: CloseSessionRequest): Promise<void> {
    if (typeof req.clientId !== 'string' || typeof req.connectionId !== 'string') throw new InvalidArgumentError('clientId and connectionId are required');
    const release = this.releases.get(req.connectionId);
    if (release) {
      // a taken-over connection handing its session to the open() waiting for it (which holds the serializer)
      this.applyHandOver(req);
      release();
      return;
    }
    return this.serializer.run(req.clientId, async () => {
      const current = this.live.get(req.clientId);
      // A connection that was taken over closes late: its successor owns the id now and stays.
      if (!current || current.connectionId !== req.connectionId) return;
      this.live.delete(req.clientId);
      // [MQTT-3.14.2-2] the gateway refuses a change from 0; any other change applies from now
      if (req.sessionExpiryInterval !== undefined && current.expiryInterval > 0) current.expiryInterval = req.sessionExpiryInterval;
      this.applyHandOver(req);
      await this.endConnection(current);
    });
  }

  async list(): Promise<SessionInfo[]> {
    return [...this.live.values()].map(toInfo);
  }

  async resetGateway(req: { gatewayId: string }): Promise<void> {
    if (typeof req.gatewayId !== 'string' || req.gatewayId === '') throw new InvalidArgumentError('gatewayId is required');
    const dropped: Promise<void>[] = [];
    for (const entry of this.live.values()) {
      if (entry.gatewayId !== req.gatewayId) continue;
      // Through the serializer so an open racing with the reset is not half undone.
      dropped.push(
        this.serializer.run(entry.clientId, async () => {
          const current = this.live.get(entry.clientId);
          if (current?.connectionId !== entry.connectionId) return;
          this.live.delete(entry.clientId);
          await this.endConnection(current);
        }),
      );
    }
    await Promise.all(dropped);
    if (dropped.length > 0) this.logger.info('gateway sessions reset', { gatewayId: req.gatewayId, sessions: dropped.length });
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
      await this.store.delete(req.clientId);
      if (held) this.endHeld(held, true);
    } else {
      stored = await this.store.get(req.clientId);
      if (stored && isExpired(stored, now) && !previous) {
        await this.store.delete(req.clientId);
        stored = undefined;
      }
      // [MQTT-3.2.2-3] (3.1.1: [MQTT-3.2.2-2]) Session Present is 1 when the server resumes a stored session
      result.sessionPresent = stored !== undefined;
      if (held && !stored) this.endHeld(held, true);
      else if (held) {
        // [MQTT-3.1.3-9] the client is back before the will delay passed: the will is not sent
        held.will = undefined;
        held.expiresAt = undefined;
        result.subscriptions = held.subscriptions.map((s) => ({ ...s }));
      } else if (stored) {
        result.subscriptions = stored.subscriptions.map(fromStored);
      }
    }

    if (req.sessionExpiryInterval > 0) {
      await this.store.put({
        clientId: req.clientId,
        protocolVersion: req.protocolVersion,
        expiryInterval: req.sessionExpiryInterval,
        subscriptions: stored?.subscriptions ?? [],
        updatedAt: now,
      });
    }

    this.live.set(req.clientId, {
      clientId: req.clientId,
      gatewayId: req.gatewayId,
      connectionId: req.connectionId,
      protocolVersion: req.protocolVersion,
      connectedAt: now,
      expiryInterval: req.sessionExpiryInterval,
    });
    return result;
  }

  private kick(previous: LiveSession): void {
    try {
      this.bus.publish(
        subjects.gatewayControl(previous.gatewayId),
        encodeGatewayCommand({ kind: 'kick', clientId: previous.clientId, connectionId: previous.connectionId, reasonCode: ReasonCode.SessionTakenOver }),
      );
    } catch (err) {
      // The takeover still happens: the old connection's late close is ignored, and its gateway
      // drops it when it next hears from us or the client.
      this.logger.error('could not send the takeover kick', { clientId: previous.clientId, gatewayId: previous.gatewayId, err });
    }
  }

  private owns(clientId: string, connectionId: string): boolean {
    return this.live.get(clientId)?.connectionId === connectionId || this.releases.has(connectionId);
  }

  private heldFor(clientId: string): HeldSession {
    let held = this.held.get(clientId);
    if (!held) {
      held = new HeldSession(clientId, this.queueLimits);
      this.held.set(clientId, held);
    }
    return held;
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

  private applyHandOver(req: CloseSessionRequest): void {
    if (!req.handOver && !req.will) return;
    const held = this.heldFor(req.clientId);
    if (req.handOver) {
      const dropped = held.merge(req.handOver);
      if (dropped > 0) this.queueDropped?.inc(dropped);
    }
    if (req.will) held.will = { message: req.will.message, dueAt: this.now() + req.will.delaySeconds * 1000 };
  }

  private captured(held: HeldSession, data: Uint8Array): void {
    try {
      const message = decodeMessage(data);
      if (message.expiresAt !== undefined && message.expiresAt <= this.now()) return;
      const qos = held.deliveryQoS(message);
      // only QoS 1 and 2 are kept for an offline session (QoS 0 may be dropped, MQTT 5.0 §3.1.2.4)
      if (qos === undefined || qos === 0) return;
      const dropped = held.enqueue({ message, qos });
      if (dropped > 0) this.queueDropped?.inc(dropped);
    } catch (err) {
      this.logger.warn('captured message not kept', { clientId: held.clientId, err });
    }
  }

  /** Ends a held session: capture stopped, state dropped, its pending will published (the session ended, MQTT 5.0 §3.1.3.2.2). */
  private endHeld(held: HeldSession, publishWill: boolean): void {
    held.stopCapture();
    this.held.delete(held.clientId);
    if (publishWill && held.will) this.publishWill(held);
  }

  private publishWill(held: HeldSession): void {
    const will = held.will;
    held.will = undefined;
    if (!will) return;
    try {
      this.bus.publish(subjects.message(will.message.topic), encodeMessage({ ...will.message, createdAt: this.now() }));
    } catch (err) {
      this.logger.warn('delayed will not published', { clientId: held.clientId, err });
    }
  }

  /** One pass over the held sessions: due wills are published, expired sessions removed (entries do not outlive expiry). */
  private sweep(): void {
    try {
      const now = this.now();
      for (const held of [...this.held.values()]) {
        if (held.will && held.will.dueAt <= now) this.publishWill(held);
        if (held.expiresAt !== undefined && held.expiresAt <= now && !this.live.has(held.clientId)) {
          this.endHeld(held, true);
          this.store.delete(held.clientId).catch((err: unknown) => this.logger.warn('could not delete an expired session', { clientId: held.clientId, err }));
        }
      }
    } catch (err) {
      this.logger.error('session sweep failed', { err });
    }
  }

  /** The connection ended: a persistent session starts its expiry now, any other ends with it. */
  private async endConnection(entry: LiveSession): Promise<void> {
    const held = this.held.get(entry.clientId);
    try {
      if (entry.expiryInterval > 0) {
        if (held) held.expiresAt = entry.expiryInterval >= NEVER_EXPIRES ? undefined : this.now() + entry.expiryInterval * 1000;
        const stored = await this.store.get(entry.clientId);
        if (stored) await this.store.put({ ...stored, expiryInterval: entry.expiryInterval, updatedAt: this.now() });
      } else {
        if (held) this.endHeld(held, true);
        // MQTT 5.0 3.1.2.11.2: with Session Expiry Interval 0 the session ends when the connection closes.
        await this.store.delete(entry.clientId);
      }
    } catch (err) {
      this.logger.error('could not update the stored session on close', { clientId: entry.clientId, err });
    }
  }
}

function isExpired(record: PersistentSessionRecord, now: number): boolean {
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
}
