import { BoundedMemo, ServiceUnavailableError } from '@mqp/model';
import { createLogger, type Logger } from '@mqp/runtime';
import type { Bus, BusHandler, BusHeaders, BusMessage, BusPayload, BusState, BusSubscription, LazyPayload, SubscribeOptions } from './bus.port';
import { assertPublishSubject, assertQueueName, assertSubscribeSubject } from './subject';
import { SubjectTrie } from './subject-trie';

/**
 * The Bus of standalone mode: NATS semantics inside one process.
 *
 * - Delivery is asynchronous, as with NATS: `publish` returns before any
 *   handler runs, so a handler can never re-enter its publisher's stack.
 *   Messages wait in one FIFO drained from a microtask, which keeps
 *   per-subscription order equal to publish order.
 * - Interest is decided at publish time, like the NATS server deciding when
 *   the PUB arrives: a subscription made after a publish does not get it.
 * - Each queue group gets each message once, round-robin over the members
 *   that match; every plain subscription gets it.
 * - Payloads and header records are passed by reference, not copied: a
 *   publisher must not mutate a buffer after publishing it (NatsBus copies on
 *   publish, so a violation shows up only here).
 * - No payload size limit or header syntax check, unlike NATS (1 MB default
 *   max_payload); callers that must work in both modes enforce their own.
 */
export class InProcessBus implements Bus {
  private readonly logger: Logger;
  private readonly trie = new SubjectTrie<LocalSubscription>();
  /** Match results by subject; cleared whenever a subscription changes. */
  private readonly cache = new BoundedMemo<string, MatchResult>(MATCH_CACHE_LIMIT);
  /** Round-robin position per queue group, kept while the group has members. */
  private readonly groups = new Map<string, QueueGroup>();
  /**
   * Deliveries waiting, from `head` to `tail`; slots are cleared as they are
   * delivered and the indices go back to 0 once the queue is empty. The array
   * is not truncated each time: setting its length is a runtime call, paid
   * per message when every socket read publishes one.
   */
  private queue: (Delivery | undefined)[] = [];
  private head = 0;
  private tail = 0;
  private scheduled = false;
  private current: BusState = 'connected';
  private readonly listeners: ((state: BusState) => void)[] = [];
  private nextId = 1;
  /** Work handlers returned that has not settled yet (see `settle`), and how much work failed so far, the last failure kept. */
  private readonly working = new Map<Promise<unknown>, Promise<void>>();
  private allWork: Promise<void> | undefined;
  private failures = 0;
  private lastFailure: unknown;

  constructor(options: { logger?: Logger } = {}) {
    this.logger = options.logger ?? createLogger({ name: 'bus' });
  }

  publish(subject: string, payload: BusPayload, headers?: BusHeaders): void {
    this.assertOpen();
    let match = this.cache.get(subject);
    if (!match) {
      assertPublishSubject(subject);
      match = this.matchSubject(subject);
    }
    const targets = match.groups.length === 0 ? match.plain : this.withQueueMembers(match);
    if (targets.length === 0) return;
    let message: BusMessage;
    if (!(payload instanceof Uint8Array)) message = new LazyMessage(subject, payload, headers);
    else message = headers === undefined ? { subject, data: payload } : { subject, data: payload, headers };
    this.enqueue({ message, targets });
  }

  subscribe(subject: string, handler: BusHandler, options: SubscribeOptions = {}): BusSubscription {
    this.assertOpen();
    assertSubscribeSubject(subject);
    const queue = options.queue;
    if (queue !== undefined) assertQueueName(queue);
    const sub: LocalSubscription = { id: this.nextId++, subject, queue, handler, active: true };
    this.trie.insert(subject, sub);
    if (queue !== undefined) {
      const group = this.groups.get(queue);
      if (group) group.members++;
      else this.groups.set(queue, { members: 1, next: 0 });
    }
    this.cache.clear();
    return { unsubscribe: () => this.unsubscribe(sub) };
  }

  flush(): Promise<void> {
    if (this.head === this.tail) return Promise.resolve();
    return new Promise((resolve) => this.enqueue({ flushed: resolve }));
  }

  /**
   * Waits for the work handlers had started when everything published before
   * it was delivered (a snapshot: work started later is not waited for, so a
   * steady stream of captures cannot starve it). Rejects if handler work
   * failed meanwhile, so nothing is acknowledged that was not kept.
   */
  async settle(): Promise<void> {
    const failuresBefore = this.failures;
    await this.flush();
    // One wait shared by every settle until new work starts (a burst of QoS 1 PUBLISHes is one Promise.all, not one each).
    if (this.working.size > 0) await (this.allWork ??= Promise.all(this.working.values()).then(() => undefined));
    // Conservative: any work that failed meanwhile (a store write) fails this settle too; a failing store fails every publisher.
    if (this.failures > failuresBefore) throw this.lastFailure;
  }

  state(): BusState {
    return this.current;
  }

  onStateChange(listener: (state: BusState) => void): void {
    this.listeners.push(listener);
  }

  /** Delivers what was already published, then refuses further use. */
  async close(): Promise<void> {
    if (this.current === 'closed') return;
    await this.flush();
    this.current = 'closed';
    this.cache.clear();
    for (const listener of this.listeners) {
      try {
        listener('closed');
      } catch (err) {
        this.logger.error('bus state listener threw', { error: err });
      }
    }
  }

  private unsubscribe(sub: LocalSubscription): void {
    if (!sub.active) return;
    // Messages already queued for it are skipped at delivery time.
    sub.active = false;
    this.trie.remove(sub.subject, sub);
    if (sub.queue !== undefined) {
      const group = this.groups.get(sub.queue);
      if (group && --group.members === 0) this.groups.delete(sub.queue);
    }
    this.cache.clear();
  }

  private matchSubject(subject: string): MatchResult {
    const plain: LocalSubscription[] = [];
    const byName = new Map<string, LocalSubscription[]>();
    for (const sub of this.trie.match(subject)) {
      if (sub.queue === undefined) {
        plain.push(sub);
      } else {
        const members = byName.get(sub.queue);
        if (members) members.push(sub);
        else byName.set(sub.queue, [sub]);
      }
    }
    // The round-robin walks members in subscription order.
    plain.sort(bySubscriptionOrder);
    const groups: MatchedGroup[] = [];
    for (const [name, members] of byName) groups.push({ name, members: members.sort(bySubscriptionOrder) });
    const result: MatchResult = { plain, groups };
    this.cache.set(subject, result);
    return result;
  }

  private withQueueMembers(match: MatchResult): LocalSubscription[] {
    const targets = match.plain.slice();
    for (const { name, members } of match.groups) {
      const group = this.groups.get(name);
      if (!group) continue;
      const member = members[group.next++ % members.length];
      if (group.next >= Number.MAX_SAFE_INTEGER) group.next = 0;
      if (member) targets.push(member);
    }
    return targets;
  }

  private enqueue(delivery: Delivery): void {
    this.queue[this.tail++] = delivery;
    if (!this.scheduled) {
      this.scheduled = true;
      // A microtask, as queueMicrotask would make, without the async resource and bound function it
      // makes per call (issue 6: per-message allocations); drain catches what handlers throw.
      void RESOLVED.then(this.drain);
    }
  }

  private readonly drain = (): void => {
    let budget = DRAIN_BATCH;
    while (this.head < this.tail) {
      if (budget-- === 0) {
        // Let sockets and timers run before the rest; `scheduled` stays set.
        setImmediate(this.drain);
        return;
      }
      const delivery = this.queue[this.head] as Delivery;
      this.queue[this.head++] = undefined;
      if ('flushed' in delivery) {
        delivery.flushed();
        continue;
      }
      const { message, targets } = delivery;
      for (let i = 0; i < targets.length; i++) {
        const sub = targets[i] as LocalSubscription;
        if (!sub.active) continue;
        try {
          const work = sub.handler(message);
          if (work instanceof Promise) this.track(work, message.subject);
        } catch (err) {
          this.logger.error('bus handler threw', { subject: message.subject, subscription: sub.subject, error: err });
        }
      }
    }
    this.head = 0;
    this.tail = 0;
    // a burst's worth of empty slots is not kept for good
    if (this.queue.length > DRAIN_BATCH) this.queue = [];
    this.scheduled = false;
  };

  /** Handlers return the same promise for every message of one store batch: it is tracked once. */
  private track(work: Promise<unknown>, subject: string): void {
    if (this.working.has(work)) return;
    const settled: Promise<void> = work.then(
      () => {
        this.working.delete(work);
      },
      (err: unknown) => {
        this.working.delete(work);
        this.failures++;
        this.lastFailure = err;
        this.logger.error('bus handler work failed', { subject, error: err });
      },
    );
    this.working.set(work, settled);
    this.allWork = undefined;
  }

  private assertOpen(): void {
    if (this.current === 'closed') throw new ServiceUnavailableError('the bus is closed');
  }
}

const RESOLVED = Promise.resolve();

/** A message published with a LazyPayload: its bytes are encoded the first time a subscriber reads them, once. */
class LazyMessage implements BusMessage {
  private bytes: Uint8Array | undefined;

  constructor(
    readonly subject: string,
    readonly local: LazyPayload,
    readonly headers: BusHeaders | undefined,
  ) {}

  get data(): Uint8Array {
    return (this.bytes ??= this.local.encode(this.local.value));
  }
}

/**
 * How many deliveries run before yielding to the event loop. A judgment, not
 * a measured constant: large enough that the per-yield cost (one
 * setImmediate) is negligible, small enough (a few ms of handler work) that a
 * storm of handlers publishing to each other cannot starve socket I/O.
 */
const DRAIN_BATCH = 4096;

/** Distinct subjects whose match results are kept: a burst of distinct topics must not grow memory. */
const MATCH_CACHE_LIMIT = 10_000;

interface LocalSubscription {
  readonly id: number;
  readonly subject: string;
  readonly queue: string | undefined;
  readonly handler: BusHandler;
  active: boolean;
}

interface QueueGroup {
  members: number;
  next: number;
}

interface MatchedGroup {
  readonly name: string;
  readonly members: readonly LocalSubscription[];
}

interface MatchResult {
  readonly plain: readonly LocalSubscription[];
  readonly groups: readonly MatchedGroup[];
}

type Delivery = { message: BusMessage; targets: readonly LocalSubscription[] } | { flushed: () => void };

function bySubscriptionOrder(a: LocalSubscription, b: LocalSubscription): number {
  return a.id - b.id;
}
