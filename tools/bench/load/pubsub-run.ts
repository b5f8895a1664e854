import { performance } from 'node:perf_hooks';
import { Histogram } from './histogram';
import { PublishTemplate } from './packets';
import type { ClientSink, RawClient } from './raw-client';

/** Messages written per socket write (one buffer). */
const BATCH = 64;
/** A publisher whose window is full with no delivery for this long counts its outstanding messages as gone. */
const STALL_MS = 1000;

export interface PubSubSettings {
  qos: 0 | 1;
  payloadSize: number;
  /**
   * Deliveries in flight end to end over the whole scenario (sent, not yet
   * delivered); each publisher gets an equal share, in messages: inflight ÷ (publishers × subscribers per publisher).
   */
  inflight: number;
  /** QoS 1 PUBLISHes awaiting PUBACK per publisher. */
  ackWindow: number;
  /** Fixed total rate (msg/s published); unset = as fast as the windows allow. */
  rate?: number;
}

/** One publisher→subscriber flow: which sequences arrived (a bitset, grown on demand). */
class Stream {
  ready = false;
  distinct = 0;
  private bits = new Uint8Array(1 << 14);

  constructor(readonly publisher: Publisher) {}

  /** True when `seq` had already arrived (a duplicate). */
  mark(seq: number): boolean {
    const byte = seq >>> 3;
    if (byte >= this.bits.length) {
      let size = this.bits.length * 2;
      while (size <= byte) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.bits);
      this.bits = grown;
    }
    const mask = 1 << (seq & 7);
    if (this.bits[byte]! & mask) return true;
    this.bits[byte]! |= mask;
    this.distinct++;
    return false;
  }
}

export class Subscriber implements ClientSink {
  /** Indexed by publisher id. */
  readonly streams: (Stream | undefined)[] = [];

  constructor(
    private readonly run: PubSubRun,
    readonly client: RawClient,
  ) {}

  onMessage(buf: Buffer, at: number, end: number): void {
    const run = this.run;
    if (end - at < 16) {
      run.unexpected++;
      return;
    }
    const stream = this.streams[buf.readUInt32LE(at + 12)];
    if (!stream) {
      run.unexpected++;
      return;
    }
    const seq = buf.readUInt32LE(at + 8);
    if (seq === 0) {
      stream.ready = true;
      return;
    }
    if (stream.mark(seq)) {
      run.duplicates++;
      return;
    }
    if (run.measuring) {
      run.measured++;
      run.latency.record(performance.now() - buf.readDoubleLE(at));
    }
    const pub = stream.publisher;
    pub.delivered++;
    run.wake(pub);
  }

  onPuback(): void {
    // Subscribers publish nothing.
  }
}

export class Publisher implements ClientSink {
  /** Last sequence sent (= messages sent). */
  seq = 0;
  delivered = 0;
  acked = 0;
  /** Subscribers that should get each message. */
  fan = 0;
  scheduled = false;
  stopped = true;
  stalls = 0;
  /** Messages in flight end to end allowed to this publisher (set once linked, see PubSubSettings.inflight). */
  window = 1;
  private inflight = 0;
  private readonly inflightIds = new Uint8Array(65536);
  private lastId = 0;
  private congested = false;
  private forgiven = 0;
  private rateStart = 0;
  private progressMark = -1;
  private progressAt = 0;
  readonly template: PublishTemplate;
  readonly probe: PublishTemplate;

  constructor(
    private readonly run: PubSubRun,
    readonly client: RawClient,
    readonly id: number,
    topic: string,
    private readonly settings: PubSubSettings,
    private readonly ratePerSec: number | undefined,
  ) {
    this.template = new PublishTemplate(topic, settings.qos, id, settings.payloadSize);
    this.probe = new PublishTemplate(topic, 0, id, settings.payloadSize);
  }

  get inFlightAcks(): number {
    return this.inflight;
  }

  start(): void {
    this.stopped = false;
    this.rateStart = performance.now();
    this.progressAt = this.rateStart;
    this.run.wake(this);
  }

  sendProbe(): void {
    this.client.write(this.probe.fill(1, 0, performance.now()));
  }

  onMessage(): void {
    // Publishers subscribe to nothing.
  }

  onPuback(packetId: number): void {
    if (!this.inflightIds[packetId]) return;
    this.inflightIds[packetId] = 0;
    this.inflight--;
    this.acked++;
    this.run.wake(this);
  }

  private readonly nextId = (): number => {
    let id = this.lastId;
    do id = (id % 65535) + 1;
    while (this.inflightIds[id]);
    this.inflightIds[id] = 1;
    this.lastId = id;
    return id;
  };

  private readonly onDrain = (): void => {
    this.congested = false;
    this.run.wake(this);
  };

  pump(): void {
    this.scheduled = false;
    if (this.stopped || this.congested || this.client.closed) return;
    const s = this.settings;
    for (let round = 0; round < 4; round++) {
      let room = this.window - (this.seq - this.forgiven - Math.floor(this.delivered / this.fan));
      if (s.qos) room = Math.min(room, s.ackWindow - this.inflight);
      if (this.ratePerSec !== undefined) {
        room = Math.min(room, Math.floor((this.ratePerSec * (performance.now() - this.rateStart)) / 1000) - this.seq);
      }
      if (room <= 0) return;
      const n = Math.min(room, BATCH);
      const buf = this.template.fill(n, this.seq + 1, performance.now(), s.qos ? this.nextId : undefined);
      this.seq += n;
      if (s.qos) this.inflight += n;
      if (!this.client.write(buf)) {
        this.congested = true;
        this.client.socket.once('drain', this.onDrain);
        return;
      }
    }
    this.run.wake(this);
  }

  /**
   * Called periodically: a window that stays full with no progress means
   * messages (or acks) were lost; stop waiting for them so the run goes on
   * (the loss is counted from the streams anyway).
   */
  checkStall(now: number): void {
    const mark = this.delivered + this.acked;
    if (mark !== this.progressMark) {
      this.progressMark = mark;
      this.progressAt = now;
      return;
    }
    if (this.stopped || now - this.progressAt < STALL_MS) return;
    const outstanding = this.seq - this.forgiven - Math.floor(this.delivered / this.fan);
    if (outstanding <= 0 && this.inflight === 0) return;
    this.stalls++;
    this.forgiven += Math.max(0, outstanding);
    this.inflightIds.fill(0);
    this.inflight = 0;
    this.progressAt = now;
    this.run.wake(this);
  }
}

/** The shared state of one publish/subscribe scenario run. */
export class PubSubRun {
  readonly latency = new Histogram();
  measuring = false;
  measured = 0;
  duplicates = 0;
  unexpected = 0;
  readonly publishers: Publisher[] = [];
  readonly subscribers: Subscriber[] = [];
  private queue: Publisher[] = [];
  private tickScheduled = false;

  wake(p: Publisher): void {
    if (p.scheduled) return;
    p.scheduled = true;
    this.queue.push(p);
    if (!this.tickScheduled) {
      this.tickScheduled = true;
      setImmediate(this.runQueue);
    }
  }

  private readonly runQueue = (): void => {
    this.tickScheduled = false;
    const q = this.queue;
    this.queue = [];
    for (const p of q) p.pump();
  };

  /** Subscriber `sub` expects every message of publisher `pub`. */
  link(sub: Subscriber, pub: Publisher): void {
    sub.streams[pub.id] = new Stream(pub);
    pub.fan++;
  }

  *streams(): Generator<Stream> {
    for (const s of this.subscribers) for (const st of s.streams) if (st) yield st;
  }

  allReady(): boolean {
    for (const st of this.streams()) if (!st.ready) return false;
    return true;
  }

  /** Publishers whose probe has not reached all their subscribers yet. */
  unready(): Set<Publisher> {
    const out = new Set<Publisher>();
    for (const st of this.streams()) if (!st.ready) out.add(st.publisher);
    return out;
  }

  /** Messages sent but not (yet) received, summed over every publisher→subscriber stream. */
  missing(): number {
    let n = 0;
    for (const st of this.streams()) n += st.publisher.seq - st.distinct;
    return n;
  }

  delivered(): number {
    let n = 0;
    for (const st of this.streams()) n += st.distinct;
    return n;
  }
}
