import { performance } from 'node:perf_hooks';
import { PublishTemplate } from './packets';
import { openAll, RawClient, type ClientSink } from './raw-client';
import { closeAll, sleep, waitForProgress, waitUntil } from './waits';

/** What `persist-q1` needs from the scenario options. */
export interface PersistSettings {
  /** Persistent subscribers, each paired with one publisher on its own topic. */
  sessions: number;
  /** Messages queued per session while it is offline. */
  perSession: number;
  payloadSize: number;
  /** QoS 1 PUBLISHes awaiting PUBACK per publisher. */
  ackWindow: number;
  prefix: string;
  concurrency: number;
}

export interface PersistOutcome {
  /** Messages queued per second for offline sessions (publish until the last PUBACK). */
  fillRate: number;
  /** Messages per second delivered from the queues after the subscribers came back. */
  drainRate: number;
  /** Messages through both phases per second: total ÷ (fill time + drain time). */
  rate: number;
  expected: number;
  lost: number;
  duplicates: number;
  /** Deliveries whose sequence was lower than one already received from the same publisher. */
  outOfOrder: number;
  errors: string[];
}

/** Counts what one returning persistent subscriber gets from its queue: per-sequence, so loss, duplicates and order show. */
class QueueReader implements ClientSink {
  received = 0;
  duplicates = 0;
  outOfOrder = 0;
  private lastSeq = 0;
  private readonly seen: Uint8Array;

  constructor(readonly expected: number) {
    this.seen = new Uint8Array(expected + 1);
  }

  onMessage(buf: Buffer, payloadStart: number): void {
    const seq = buf.readUInt32LE(payloadStart + 8);
    if (seq === 0 || seq > this.expected) return;
    if (this.seen[seq]) {
      this.duplicates++;
      return;
    }
    this.seen[seq] = 1;
    this.received++;
    if (seq < this.lastSeq) this.outOfOrder++;
    this.lastSeq = seq;
  }

  onPuback(): void {
    // Subscribers publish nothing.
  }
}

/** Publishes `total` QoS 1 messages keeping at most `window` awaiting PUBACK; resolves at the last PUBACK. */
class WindowedPublisher implements ClientSink {
  private sent = 0;
  private acked = 0;
  private inflight = 0;
  private nextId = 0;
  private done: (() => void) | undefined;
  private readonly template: PublishTemplate;

  constructor(
    private readonly client: RawClient,
    id: number,
    topic: string,
    private readonly total: number,
    private readonly window: number,
    payloadSize: number,
  ) {
    this.template = new PublishTemplate(topic, 1, id, payloadSize);
  }

  run(): Promise<void> {
    return new Promise((resolve) => {
      this.done = resolve;
      this.pump();
    });
  }

  get unacked(): number {
    return this.sent - this.acked;
  }

  onMessage(): void {
    // Publishers subscribe to nothing.
  }

  onPuback(): void {
    this.inflight--;
    this.acked++;
    if (this.acked === this.total) this.done?.();
    else this.pump();
  }

  private pump(): void {
    const room = Math.min(this.window - this.inflight, this.total - this.sent);
    if (room <= 0) return;
    // Packet ids only need to be unique among those awaiting PUBACK: the window is far below 65,535.
    const id = (): number => (this.nextId = (this.nextId % 65535) + 1);
    this.client.write(this.template.fill(room, this.sent + 1, performance.now(), id));
    this.sent += room;
    this.inflight += room;
  }
}

/**
 * `persist-q1`: persistent QoS 1 subscribers go offline, publishers queue
 * `perSession` messages for each (the broker's offline queue: mqp's store,
 * Mosquitto's with `persistence true`), then the subscribers come back with
 * their sessions and drain the queues. Loss, duplicates and order are checked
 * per message.
 */
export async function runPersist(subPort: number, pubPort: number, s: PersistSettings): Promise<PersistOutcome> {
  const errors: string[] = [];
  const clients: RawClient[] = [];
  const deadline = (): number => Date.now() + 30_000;
  const subId = (i: number): string => `${s.prefix}-persist-s${i}`;
  const topic = (i: number): string => `${s.prefix}/persist/${i}`;
  try {
    // 1. Persistent sessions with one QoS 1 subscription each, then offline.
    const subscribed = await openAll(
      s.sessions,
      async (i) => {
        const c = await RawClient.open(subPort, subId(i), { clean: false });
        await c.subscribe(topic(i), 1);
        c.close();
        return c;
      },
      s.concurrency,
      deadline(),
    );
    if (subscribed.failures.length) throw new Error(`persistent subscribers failed: ${subscribed.failures.slice(0, 3).join('; ')}`);
    await waitUntil(() => subscribed.opened.every((c) => c?.closed), 5_000);
    // The broker takes the sessions offline after the socket closes (mqp: the session service starts capturing).
    await sleep(500);

    // 2. Fill the offline queues.
    const pubs = await openAll(
      s.sessions,
      async (i) => {
        const c = await RawClient.open(pubPort, `${s.prefix}-persist-p${i}`);
        clients.push(c);
        const p = new WindowedPublisher(c, i, topic(i), s.perSession, s.ackWindow, s.payloadSize);
        c.sink = p;
        return p;
      },
      s.concurrency,
      deadline(),
    );
    if (pubs.failures.length) throw new Error(`publishers failed: ${pubs.failures.slice(0, 3).join('; ')}`);
    const fillStart = performance.now();
    let giveUp: NodeJS.Timeout | undefined;
    const filled = await Promise.race([
      Promise.all(pubs.opened.map((p) => p!.run())).then(() => true),
      new Promise<false>((r) => (giveUp = setTimeout(() => r(false), 120_000))),
    ]);
    clearTimeout(giveUp);
    const fillS = (performance.now() - fillStart) / 1000;
    if (!filled) errors.push(`${pubs.opened.reduce((n, p) => n + (p?.unacked ?? 0), 0)} PUBACKs missing after 120 s`);

    // 3. The subscribers come back to their sessions and drain the queues.
    const readers = Array.from({ length: s.sessions }, () => new QueueReader(s.perSession));
    const drainStart = performance.now();
    const back = await openAll(
      s.sessions,
      async (i) => {
        const c = await RawClient.open(subPort, subId(i), { clean: false, sink: readers[i]! });
        clients.push(c);
        return c;
      },
      s.concurrency,
      deadline(),
    );
    if (back.failures.length) errors.push(`returning subscribers failed: ${back.failures.slice(0, 3).join('; ')}`);
    const expected = s.sessions * s.perSession;
    const received = (): number => readers.reduce((n, r) => n + r.received, 0);
    await waitForProgress(() => received() >= expected, received, { idleMs: 3_000, timeoutMs: 120_000, pollMs: 10 });
    const drainS = (performance.now() - drainStart) / 1000;
    const got = received();
    return {
      fillRate: expected / fillS,
      drainRate: got / drainS,
      rate: got / (fillS + drainS),
      expected,
      lost: expected - got,
      duplicates: readers.reduce((n, r) => n + r.duplicates, 0),
      outOfOrder: readers.reduce((n, r) => n + r.outOfOrder, 0),
      errors,
    };
  } finally {
    await closeAll(clients);
  }
}
