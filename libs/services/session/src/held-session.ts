import type { BusSubscription } from '@mqp/bus';
import type { SessionMessage, SessionSubscription } from '@mqp/contracts';
import type { Message, QoS } from '@mqp/model';
import { topicMatchesFilter } from '@mqp/protocol';

export interface QueueLimits {
  maxMessages: number;
  maxBytes: number;
}

/**
 * The in-memory side of one offline persistent session this instance looks
 * after: its subscriptions (to match captured messages), its expiry and
 * delayed will (for the sweep), the bus capture, and the captured messages
 * waiting to be appended to the QueueStore. Everything the protocol depends
 * on is also in the store (the record, the queue): this is a cache, and a
 * restarted service rebuilds it from the store.
 */
export class HeldSession {
  subscriptions: SessionSubscription[] = [];
  /** Connection whose capture is running (undefined for one restored from the store), and its bus subscriptions. */
  capture: { connectionId: string | undefined; subscriptions: BusSubscription[] } | undefined;
  will: { message: Message; dueAt: number } | undefined;
  /** Milliseconds since the epoch when the session ends; undefined while connected or never. */
  expiresAt: number | undefined;
  /** Queue size as last known from the store (plus appends since), to trim only when a limit is passed. */
  queued = { count: 0, bytes: 0 };
  /** Messages handed back unsent (kept in the record, ahead of the queue): they count towards the limits too. */
  pendingCount = 0;
  pendingBytes = 0;
  /** Captured messages not yet appended to the store, in arrival order. */
  buffer: SessionMessage[] = [];
  /** The running append of `buffer` (one store write per batch), if any. */
  draining: Promise<void> | undefined;
  /** Settles when the messages now in `buffer` are in the store (rejects if that write fails): what a capture hands the bus. */
  bufferStored: { promise: Promise<void>; resolve: () => void; reject: (err: unknown) => void } | undefined;
  /** Set when the session ended here: a late drain writes nothing more. */
  ended = false;

  constructor(readonly clientId: string) {}

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

  /** True when the queue plus the pending messages pass a limit. */
  overLimits(limits: QueueLimits): boolean {
    return this.queued.count + this.pendingCount > limits.maxMessages || this.queued.bytes + this.pendingBytes > limits.maxBytes;
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
