/**
 * Outgoing QoS 1 delivery of one connection: a packet identifier allocator,
 * the inflight map (sent, awaiting PUBACK) bounded by a window, and a bounded
 * queue behind it that drops its oldest entry when full (EMQX and Mosquitto
 * do the same with 1000 messages).
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
}

export interface OutboundQueueOptions {
  window: number;
  maxQueued: number;
  /** Whether the socket may take more bytes now (below its high-water mark). */
  writable(): boolean;
  send(bytes: Buffer): void;
  dropped(publish: OutboundPublish): void;
}

const MAX_PACKET_ID = 65_535;

export class OutboundQueue {
  private readonly inflight = new Map<number, OutboundPublish>();
  private queue: OutboundPublish[] = [];
  private head = 0;
  private lastId = 0;

  private window: number;

  constructor(private readonly options: OutboundQueueOptions) {
    this.window = options.window;
  }

  /** v5: the client's Receive Maximum lowers the window [MQTT-3.3.4-7]; it is never raised above ours. */
  limitWindow(receiveMaximum: number): void {
    this.window = Math.max(1, Math.min(this.options.window, receiveMaximum));
  }

  get inflightCount(): number {
    return this.inflight.size;
  }

  get queuedCount(): number {
    return this.queue.length - this.head;
  }

  enqueue(publish: OutboundPublish): void {
    this.queue.push(publish);
    if (this.queuedCount > this.options.maxQueued) {
      const oldest = this.queue[this.head] as OutboundPublish;
      this.head++;
      this.options.dropped(oldest);
    }
    this.pump();
  }

  /** A PUBACK arrived; false when the id was not in flight (the caller decides whether that matters). */
  acknowledge(packetId: number): boolean {
    if (!this.inflight.delete(packetId)) return false;
    this.pump();
    return true;
  }

  /** Sends queued entries while the window and the socket allow. Call again when the socket drains. */
  pump(): void {
    while (this.inflight.size < this.window && this.queuedCount > 0 && this.options.writable()) {
      const next = this.queue[this.head] as OutboundPublish;
      this.queue[this.head] = undefined as unknown as OutboundPublish;
      this.head++;
      const id = this.allocateId();
      this.inflight.set(id, next);
      const bytes = Buffer.from(next.bytes);
      bytes.writeUInt16BE(id, next.packetIdOffset);
      this.options.send(bytes);
    }
    // compact now and then so the array does not keep growing at the front
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  /** Everything not yet acknowledged, inflight first; the connection is closing. */
  drain(): OutboundPublish[] {
    const left = [...this.inflight.values(), ...this.queue.slice(this.head)];
    this.inflight.clear();
    this.queue = [];
    this.head = 0;
    return left;
  }

  /** [MQTT-2.2.1-3] a new packet identifier must not be one still in use; 1..65535, 0 is not allowed. */
  private allocateId(): number {
    for (;;) {
      this.lastId = this.lastId >= MAX_PACKET_ID ? 1 : this.lastId + 1;
      if (!this.inflight.has(this.lastId)) return this.lastId;
    }
  }
}
