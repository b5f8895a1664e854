import type { BusSubscription } from '@mqp/bus';
import type { SessionHandOver, SessionMessage, SessionSubscription } from '@mqp/contracts';
import type { Message, QoS } from '@mqp/model';
import { topicMatchesFilter } from '@mqp/protocol';

export interface QueueLimits {
  maxMessages: number;
  maxBytes: number;
}

/**
 * What the session service holds for one persistent session between its
 * connections: its subscriptions, the messages owed to the client (inflight
 * ones with their packet ids, then queued ones in order), the incoming QoS 2
 * ids awaiting PUBREL, a delayed will, and the bus capture that fills the
 * queue while the client is away. The queue is bounded by count and bytes;
 * the oldest message is dropped first.
 */
export class HeldSession {
  subscriptions: SessionSubscription[] = [];
  inflight: SessionMessage[] = [];
  queue: SessionMessage[] = [];
  awaitingRel: number[] = [];
  /** Connection whose capture is running, and its bus subscriptions. */
  capture: { connectionId: string; subscriptions: BusSubscription[] } | undefined;
  will: { message: Message; dueAt: number } | undefined;
  /** Milliseconds since the epoch when the session ends; undefined while connected or never. */
  expiresAt: number | undefined;
  private queuedBytes = 0;
  /** Message ids held (inflight and queued): a message captured twice, or handed over and captured, is kept once. */
  private readonly ids = new Set<string>();

  constructor(
    readonly clientId: string,
    private readonly limits: QueueLimits,
  ) {}

  get queuedCount(): number {
    return this.queue.length;
  }

  /**
   * The delivery QoS of a captured message: the highest among the matching
   * subscriptions, each capped by the message QoS [MQTT-3.3.4-2]; undefined
   * when none matches or No Local excludes it [MQTT-3.8.3-3].
   */
  deliveryQoS(message: Message): QoS | undefined {
    let best: QoS | undefined;
    for (const sub of this.subscriptions) {
      if (!topicMatchesFilter(message.topic, sub.filter)) continue;
      if (sub.noLocal && message.origin.clientId === this.clientId) continue;
      const qos = (sub.qos < message.qos ? sub.qos : message.qos) as QoS;
      if (best === undefined || qos > best) best = qos;
    }
    return best;
  }

  /** Appends unless already held; returns how many old messages were dropped to stay within the limits. */
  enqueue(entry: SessionMessage): number {
    if (this.ids.has(entry.message.id)) return 0;
    this.ids.add(entry.message.id);
    this.queue.push(entry);
    this.queuedBytes += entry.message.payload.length;
    let dropped = 0;
    while (this.queue.length > 0 && (this.queue.length > this.limits.maxMessages || this.queuedBytes > this.limits.maxBytes)) {
      const oldest = this.queue.shift() as SessionMessage;
      this.queuedBytes -= oldest.message.payload.length;
      this.ids.delete(oldest.message.id);
      dropped++;
    }
    return dropped;
  }

  /**
   * The state a connection handed over on close: its inflight messages and
   * its own unsent queue come before what the capture got meanwhile (which
   * they may overlap: duplicates are removed by message id). Returns drops.
   */
  merge(handOver: SessionHandOver): number {
    const captured = this.queue;
    this.queue = [];
    this.queuedBytes = 0;
    this.ids.clear();
    this.inflight = [];
    for (const m of handOver.inflight) {
      if (this.ids.has(m.message.id)) continue;
      this.ids.add(m.message.id);
      this.inflight.push(m);
    }
    let dropped = 0;
    for (const m of handOver.queued) dropped += this.enqueue(m);
    for (const m of captured) dropped += this.enqueue(m);
    this.awaitingRel = [...new Set(handOver.awaitingRel)];
    return dropped;
  }

  /** Hands everything to a resumed connection and forgets it here. */
  take(): SessionHandOver {
    const out: SessionHandOver = { inflight: this.inflight, queued: this.queue, awaitingRel: this.awaitingRel };
    this.inflight = [];
    this.queue = [];
    this.awaitingRel = [];
    this.queuedBytes = 0;
    this.ids.clear();
    return out;
  }

  stopCapture(): void {
    for (const s of this.capture?.subscriptions ?? []) {
      try {
        s.unsubscribe();
      } catch {
        // the bus is closing: nothing left to stop
      }
    }
    this.capture = undefined;
  }
}
