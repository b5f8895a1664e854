import type { Bus, BusSubscription } from '@mqp/bus';
import { CAPTURE_STAMP_HEADER, encodeCaptureInterest, stampedAnnouncement, subjects, type BusHeadersLike, type CaptureInterest } from '@mqp/contracts';
import type { Logger } from '@mqp/runtime';

/**
 * Tells the gateways which offline sessions this instance captures, and for
 * which filters (contracts `CaptureInterest`), so that they hand it QoS 1/2
 * messages for those sessions directly and wait for them to be stored before
 * acknowledging (split mode; docs/architecture.md "Confirmed capture").
 * Changes of one event-loop turn go out as one `delta`; a `full` answers a
 * gateway's sync request and opens each life; a `tick` every `tickMs` lets a
 * gateway that missed the last delta notice the gap.
 */
export class CaptureAnnouncer {
  private readonly captured = new Map<string, string[]>();
  /** client id → the announcement that last told the gateways of it (a gateway past it sends its messages in requests). */
  private readonly announcedIn = new Map<string, number>();
  private readonly life: number;
  private seq = 0;
  private changes = new Map<string, string[] | undefined>();
  private fullWanted = false;
  private scheduled = false;
  private syncRequests: BusSubscription | undefined;
  private ticker: NodeJS.Timeout | undefined;

  constructor(
    private readonly bus: Bus,
    readonly instance: string,
    private readonly logger: Logger,
    private readonly tickMs = 2_000,
    now: () => number = Date.now,
  ) {
    this.life = now();
  }

  /** Announces everything captured so far and answers sync requests from now on. */
  start(): void {
    this.syncRequests = this.bus.subscribe(subjects.captureSync, () => this.announceFull());
    this.ticker = setInterval(() => this.publish('tick', [], []), this.tickMs);
    this.ticker.unref();
    this.announceFull();
  }

  /**
   * Announces nothing more. The sessions stay announced: the gateways keep
   * holding their messages until this instance is back or another one
   * announces it took them over.
   */
  stop(): void {
    clearInterval(this.ticker);
    this.syncRequests?.unsubscribe();
    this.syncRequests = undefined;
  }

  /** This instance captures `clientId` for these filters (from now on, or with new filters). */
  set(clientId: string, filters: string[]): void {
    // until these filters are announced, no gateway's request can be counted on for them
    this.announcedIn.delete(clientId);
    this.captured.set(clientId, filters);
    this.changes.set(clientId, filters);
    this.schedule();
  }

  /** This instance no longer captures `clientId`. */
  drop(clientId: string): void {
    this.announcedIn.delete(clientId);
    if (!this.captured.delete(clientId)) return;
    this.changes.set(clientId, undefined);
    this.schedule();
  }

  private announceFull(): void {
    this.fullWanted = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || !this.syncRequests) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    if (!this.syncRequests) return;
    if (this.fullWanted) {
      this.fullWanted = false;
      this.changes.clear();
      this.publish('full', [...this.captured].map(([clientId, filters]) => ({ clientId, filters })), []);
      return;
    }
    if (this.changes.size === 0) return;
    const set = [];
    const drop = [];
    for (const [clientId, filters] of this.changes) {
      if (filters) set.push({ clientId, filters });
      else drop.push(clientId);
    }
    this.changes = new Map();
    this.publish('delta', set, drop);
  }

  /** Splits a large announcement: the first part has `kind`, the rest are deltas adding to it (NATS caps a message near 1 MiB). */
  private publish(kind: CaptureInterest['kind'], set: CaptureInterest['set'], drop: string[]): void {
    let part: CaptureInterest['set'] = [];
    let bytes = 0;
    for (const session of set) {
      part.push(session);
      bytes += session.clientId.length + session.filters.reduce((n, f) => n + f.length + 3, 16);
      if (bytes < ANNOUNCEMENT_PART_BYTES) continue;
      this.publishPart(kind, part, []);
      kind = 'delta';
      part = [];
      bytes = 0;
    }
    if (part.length > 0 || drop.length > 0 || kind !== 'delta') this.publishPart(kind, part, drop);
  }

  /**
   * True when the gateway that put this message on the bus had heard of
   * `clientId` here (its CAPTURE_STAMP_HEADER is at or past the announcement
   * of it, in this life): a capture request brings the message, in that
   * gateway's order, so the bus copy is not needed.
   */
  requestBrings(clientId: string, headers: BusHeadersLike | undefined): boolean {
    const announced = this.announcedIn.get(clientId);
    if (announced === undefined) return false;
    const stamp = stampedAnnouncement(headers?.[CAPTURE_STAMP_HEADER], this.instance);
    return stamp !== undefined && stamp.life === this.life && stamp.seq >= announced;
  }

  private publishPart(kind: CaptureInterest['kind'], set: CaptureInterest['set'], drop: string[]): void {
    if (kind !== 'tick') this.seq++;
    for (const { clientId } of set) this.announcedIn.set(clientId, this.seq);
    try {
      this.bus.publish(subjects.captureInterest, encodeCaptureInterest({ instance: this.instance, life: this.life, seq: this.seq, kind, set, drop }));
    } catch (err) {
      // the bus is down: the gateways see the gap in `seq` when it is back and ask for a full announcement
      this.logger.debug('capture interest not announced', { kind, error: err });
    }
  }
}

/** Well under NATS's default 1 MiB max_payload, even with many short strings escaped in JSON. */
const ANNOUNCEMENT_PART_BYTES = 256 * 1024;
