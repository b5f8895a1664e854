import type { Message } from '@mqp/model';

/**
 * Outgoing QoS 1 and 2 delivery of one connection: a packet identifier allocator,
 * the inflight map (sent, awaiting PUBACK) bounded by a window, and a queue
 * behind it bounded by count and by bytes that drops its oldest entry when
 * full (EMQX and Mosquitto do the same with 1000 messages; the byte cap keeps
 * a subscriber that stopped reading from holding 1000 × 1 MiB).
 *
 * Entries hold bytes already serialized with a placeholder packet id, shared
 * between every subscriber of the same variant; the id is patched into a copy
 * only when the entry is actually sent, so queued entries cost no allocation
 * beyond the shared buffer.
 */
export interface OutboundPublish {
  /** A complete PUBLISH packet; its packet identifier is written at `packetIdOffset` on send. */
  bytes: Buffer;
  packetIdOffset: number;
  messageId: string;
  topic: string;
  /** The QoS the PUBLISH was serialized with (1 or 2): decides which acknowledgement ends its flow. */
  qos: 1 | 2;
  /** The message itself, kept (by reference) so a persistent session can hand it to the session service. */
  message?: Message;
  /** Set when sent for a shared subscription group (its key): re-dispatched to another member if this one leaves. */
  sharedGroup?: string;
}

/** One outgoing message in flight: sent with `packetId`; `released` once PUBREC came and PUBREL was sent (QoS 2). */
export interface InflightEntry {
  packetId: number;
  publish: OutboundPublish;
  released: boolean;
}

/** What a PUBREC did: release (send PUBREL), unknown id, or a failed PUBREC ended the flow (v5 reason >= 0x80). */
export type PubrecOutcome = 'release' | 'unknown';

export interface OutboundQueueOptions {
  window: number;
  maxQueued: number;
  /** Bytes of queued (not yet sent) packets; the oldest are dropped beyond. */
  maxQueuedBytes: number;
  /** Whether the socket may take more bytes now (below its high-water mark). */
  writable(): boolean;
  send(bytes: Buffer): void;
  /** Sends a PUBREL for `packetId` (QoS 2 redelivery of a released message). */
  sendPubrel?(packetId: number): void;
  dropped(publish: OutboundPublish): void;
}

/** DUP flag of the PUBLISH fixed header [MQTT-3.3.1-1]. */
const DUP_FLAG = 0x08;

const MAX_PACKET_ID = 65_535;

export class OutboundQueue {
  /** Created on first use: most idle connections never get a QoS 1 or 2 message (issue 6: memory per connection). */
  private inflightMap: Map<number, InflightEntry> | undefined;
  private get inflight(): Map<number, InflightEntry> {
    return (this.inflightMap ??= new Map());
  }
  private queue: OutboundPublish[] = [];
  private head = 0;
  private queuedBytes = 0;
  private lastId = 0;
  /** While held nothing is sent: a resuming session restores its old messages before new ones go out. */
  private held = false;

  private window: number;

  constructor(private readonly options: OutboundQueueOptions) {
    this.window = options.window;
  }

  /** v5: the client's Receive Maximum lowers the window [MQTT-3.3.4-7]; it is never raised above ours. */
  limitWindow(receiveMaximum: number): void {
    this.window = Math.max(1, Math.min(this.options.window, receiveMaximum));
  }

  get inflightCount(): number {
    return this.inflightMap?.size ?? 0;
  }

  get queuedCount(): number {
    return this.queue.length - this.head;
  }

  get queuedByteCount(): number {
    return this.queuedBytes;
  }

  enqueue(publish: OutboundPublish): void {
    this.queue.push(publish);
    this.queuedBytes += publish.bytes.length;
    this.dropOverflow();
    this.pump();
  }

  /** Drops the oldest queued entries while the queue is over its count or byte bound. */
  private dropOverflow(): void {
    while (this.queuedCount > 0 && (this.queuedCount > this.options.maxQueued || this.queuedBytes > this.options.maxQueuedBytes)) {
      const oldest = this.queue[this.head] as OutboundPublish;
      this.queue[this.head] = undefined as unknown as OutboundPublish;
      this.head++;
      this.queuedBytes -= oldest.bytes.length;
      this.options.dropped(oldest);
    }
  }

  /** After the queue was rebuilt: its byte count from scratch. */
  private recountBytes(): void {
    this.queuedBytes = 0;
    for (let i = this.head; i < this.queue.length; i++) this.queuedBytes += (this.queue[i] as OutboundPublish).bytes.length;
  }

  /**
   * A PUBACK (QoS 1), or a PUBREC with a failure reason (v5, >= 0x80: the QoS 2
   * flow ends there, MQTT 5.0 §4.3.3), ends the flow of `packetId`; false when
   * no such flow was in flight (the caller decides whether that matters).
   */
  acknowledge(packetId: number): boolean {
    if (!this.inflight.delete(packetId)) return false;
    this.pump();
    return true;
  }

  /** The QoS of the flow in flight under `packetId`, if any. */
  flowQoS(packetId: number): 1 | 2 | undefined {
    return this.inflight.get(packetId)?.publish.qos;
  }

  /** [MQTT-4.3.3-4] (v3.1.1 [MQTT-4.3.3-3]) a PUBREC is answered with PUBREL; the message is then "released" and never resent as PUBLISH. */
  received(packetId: number): PubrecOutcome {
    const entry = this.inflight.get(packetId);
    if (entry === undefined || entry.publish.qos !== 2) return 'unknown';
    entry.released = true;
    return 'release';
  }

  /** A PUBCOMP ends a released QoS 2 flow; false when `packetId` is not awaiting one. */
  complete(packetId: number): boolean {
    const entry = this.inflight.get(packetId);
    if (entry === undefined || !entry.released) return false;
    this.inflight.delete(packetId);
    this.pump();
    return true;
  }

  /** Stops sending until `resume()`; what arrives meanwhile is queued. */
  hold(): void {
    this.held = true;
  }

  resume(): void {
    this.held = false;
    // the session's unfinished flows first, in their order, then the queue
    for (const entry of this.resendOnResume.splice(0)) this.resend(entry);
    this.pump();
  }

  /** Restored in-flight entries waiting for the hold to end (the CONNACK must go first [MQTT-3.2.0-1]). */
  private resendOnResume: InflightEntry[] = [];

  private resend(entry: InflightEntry): void {
    if (!this.inflight.has(entry.packetId)) return; // acknowledged or taken out meanwhile
    if (entry.released) this.options.sendPubrel?.(entry.packetId);
    else {
      const bytes = copyOf(entry.publish.bytes);
      bytes[0] = (bytes[0] as number) | DUP_FLAG;
      bytes.writeUInt16BE(entry.packetId, entry.publish.packetIdOffset);
      this.options.send(bytes);
    }
  }

  /**
   * Puts back what a previous connection of the session left: `inflight` keeps
   * its packet ids and is resent ([MQTT-4.4.0-1] PUBLISH with DUP=1,
   * [MQTT-4.4.0-2] PUBREL for released ones) at once, or on `resume()` while held, then `queued` goes before
   * anything queued since (per-client order); entries of the current queue
   * whose message id was restored are dropped as duplicates.
   */
  restore(inflight: readonly InflightEntry[], queued: readonly OutboundPublish[]): void {
    const restored = new Set<string>();
    for (const entry of inflight) {
      restored.add(entry.publish.messageId);
      const restoredEntry: InflightEntry = { packetId: entry.packetId, publish: entry.publish, released: entry.released };
      this.inflight.set(entry.packetId, restoredEntry);
      if (this.held) this.resendOnResume.push(restoredEntry);
      else this.resend(restoredEntry);
    }
    for (const p of queued) restored.add(p.messageId);
    const current = this.queue.slice(this.head).filter((p) => !restored.has(p.messageId));
    const fresh = queued.filter((p, i) => queued.findIndex((q) => q.messageId === p.messageId) === i);
    this.queue = [...fresh, ...current];
    this.head = 0;
    this.recountBytes();
    this.dropOverflow();
  }

  /** Sends queued entries while the window and the socket allow. Call again when the socket drains. */
  pump(): void {
    while (!this.held && this.inflightCount < this.window && this.queuedCount > 0 && this.options.writable()) {
      const next = this.queue[this.head] as OutboundPublish;
      this.queue[this.head] = undefined as unknown as OutboundPublish;
      this.head++;
      this.queuedBytes -= next.bytes.length;
      const id = this.allocateId();
      this.inflight.set(id, { packetId: id, publish: next, released: false });
      const bytes = copyOf(next.bytes);
      bytes.writeUInt16BE(id, next.packetIdOffset);
      this.options.send(bytes);
    }
    // compact now and then so the array does not keep growing at the front
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  /**
   * Takes out the QoS 1 entries `match` selects: queued ones always, in-flight
   * ones too when `inflightToo` (the client is gone). Shared subscriptions
   * hand them to another member (MQTT 5.0 §4.8.2); QoS 2 stays with its
   * client [MQTT-4.8.2-4].
   */
  extract(match: (publish: OutboundPublish) => boolean, inflightToo: boolean): OutboundPublish[] {
    const out: OutboundPublish[] = [];
    if (inflightToo) {
      for (const [id, entry] of this.inflight) {
        if (entry.publish.qos === 1 && match(entry.publish)) {
          this.inflight.delete(id);
          out.push(entry.publish);
        }
      }
    }
    const rest: OutboundPublish[] = [];
    for (const p of this.queue.slice(this.head)) (p.qos === 1 && match(p) ? out : rest).push(p);
    this.queue = rest;
    this.head = 0;
    this.recountBytes();
    if (out.length > 0) this.pump();
    return out;
  }

  /** Everything not yet acknowledged, inflight first; the connection is closing. */
  drain(): OutboundPublish[] {
    const { inflight, queued } = this.takeAll();
    return [...inflight.map((e) => e.publish), ...queued];
  }

  /** Empties the queue, keeping the packet ids of what is in flight (a persistent session hands them over). */
  takeAll(): { inflight: InflightEntry[]; queued: OutboundPublish[] } {
    const inflight = [...this.inflight.values()];
    const queued = this.queue.slice(this.head);
    this.inflight.clear();
    this.queue = [];
    this.head = 0;
    this.queuedBytes = 0;
    return { inflight, queued };
  }

  /** [MQTT-2.2.1-3] a new packet identifier must not be one still in use; 1..65535, 0 is not allowed. */
  private allocateId(): number {
    for (;;) {
      this.lastId = this.lastId >= MAX_PACKET_ID ? 1 : this.lastId + 1;
      if (!this.inflight.has(this.lastId)) return this.lastId;
    }
  }
}

/**
 * A copy of a PUBLISH to stamp with this client's packet id: fan-out shares
 * one encoding between its subscribers. Allocated and set directly, as
 * Buffer.from's type dispatch cost as much as the copy (one per QoS 1/2
 * delivery).
 */
function copyOf(bytes: Buffer): Buffer {
  const copy = Buffer.allocUnsafe(bytes.length);
  copy.set(bytes);
  return copy;
}
