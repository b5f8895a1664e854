import type { Bus, BusSubscription } from '@mqp/bus';
import {
  decodeCaptureInterest,
  decodeCaptureReply,
  encodeCaptureRequest,
  formatCaptureStamp,
  subjects,
  type CaptureInterest,
  type CaptureItem,
  type CaptureStampEntry,
} from '@mqp/contracts';
import { TopicTrie } from '@mqp/protocol';
import type { Logger } from '@mqp/runtime';

/** A message waiting to be stored for offline sessions, in publish order. */
interface PendingCapture {
  message: Uint8Array;
  /** The sessions it is still waiting for. */
  clientIds: Set<string>;
  done: () => void;
}

export interface CaptureConfirmationOptions {
  /** How long a request waits for its reply before it is sent again. */
  replyTimeoutMs?: number;
  /** Messages waiting at most; past it a publish is refused (the client gets no acknowledgement and sends it again). */
  maxPending?: number;
  /** Sync requests (asking every instance for a full announcement) go out at most this often. */
  syncIntervalMs?: number;
}

/** What `match` found: the sessions to confirm with, and the stamp for the bus copy. */
export interface CaptureMatch {
  /** A set of its own: `confirm` takes it over as the sessions still to confirm with. */
  clientIds: Set<string>;
  stamp: string;
}

/** Requests are cut below NATS's default 1 MiB max_payload. */
const REQUEST_BYTES = 256 * 1024;

/**
 * The gateway's side of confirmed capture (split mode; docs/architecture.md
 * "Confirmed capture"). It keeps the session-service instances'
 * announcements (contracts `CaptureInterest`): which offline sessions each
 * captures, for which filters. A QoS 1/2 message matching one of them is
 * sent to that instance too (`confirm`), and the publisher's acknowledgement
 * waits until the instance replies that the message is stored. Until then it
 * is sent again: while the session service or NATS restarts, messages wait
 * here in publish order and go out in that order once the instance is heard
 * again, so nothing acknowledged is lost and each publisher's order holds.
 */
export class CaptureConfirmations {
  /** client id → the instance capturing it and the filters it captures for. */
  private readonly sessions = new Map<string, { instance: string; filters: string[] }>();
  private readonly filters = new TopicTrie<string>();
  /** instance → the life and last announcement applied. */
  private readonly instances = new Map<string, { life: number; seq: number }>();
  private pending: PendingCapture[] = [];
  private sending: Promise<void> | undefined;
  private nextBatch = 1;
  private readonly replies = new Map<number, () => void>();
  /** Ends the requests waiting for a reply (an instance was heard again in a new life): they are sent again at once. */
  private readonly waiting = new Set<() => void>();
  private readonly subscriptions: BusSubscription[] = [];
  private lastSync = 0;
  private stopped = false;
  private readonly replyTimeoutMs: number;
  private readonly maxPending: number;
  private readonly syncIntervalMs: number;

  constructor(
    private readonly bus: Bus,
    private readonly gatewayId: string,
    private readonly logger: Logger,
    options: CaptureConfirmationOptions = {},
  ) {
    this.replyTimeoutMs = options.replyTimeoutMs ?? 2_000;
    this.maxPending = options.maxPending ?? 100_000;
    this.syncIntervalMs = options.syncIntervalMs ?? 1_000;
  }

  /** Starts listening and asks every instance for its full announcement. */
  start(): void {
    this.subscriptions.push(
      this.bus.subscribe(subjects.captureInterest, (m) => this.onInterest(m.data)),
      this.bus.subscribe(subjects.captureReplies(this.gatewayId), (m) => this.onReply(m.data)),
    );
    // announcements sent while the bus was away are lost: ask for everything again
    this.bus.onStateChange((state) => {
      if (state !== 'connected') return;
      this.requestSync();
      // what was sent while the bus was away is lost (nats.js drops it on redial): send it again now
      this.wakeAll();
    });
    this.requestSync();
  }

  stop(): void {
    this.stopped = true;
    for (const s of this.subscriptions.splice(0)) s.unsubscribe();
    this.wakeAll();
  }

  /** Messages waiting for their offline sessions' store. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /**
   * The captured sessions `topic` matches, with the stamp for the message's
   * bus headers (CAPTURE_STAMP_HEADER); undefined when none matches. The
   * message then goes on the bus with the stamp, and to `confirm`.
   */
  match(topic: string): CaptureMatch | undefined {
    if (this.sessions.size === 0) return undefined;
    const clientIds = new Set(this.filters.match(topic));
    if (clientIds.size === 0) return undefined;
    const stamped: CaptureStampEntry[] = [];
    for (const clientId of clientIds) {
      const instance = this.sessions.get(clientId)!.instance;
      const known = this.instances.get(instance);
      if (known && !stamped.some((e) => e.instance === instance)) stamped.push({ instance, ...known });
    }
    return { clientIds, stamp: formatCaptureStamp(stamped) };
  }

  /**
   * Sends `message` (as the bus carries it) to the instances capturing the
   * sessions it matched. Resolves once each has stored it; rejects at once
   * when too many wait.
   */
  confirm(match: CaptureMatch, message: Uint8Array): Promise<void> {
    if (this.pending.length >= this.maxPending) return Promise.reject(new Error('too many messages waiting for the session service'));
    return new Promise<void>((done) => {
      this.pending.push({ message, clientIds: match.clientIds, done });
      this.sending ??= this.sendAll().finally(() => (this.sending = undefined));
    });
  }

  /**
   * Gives up on a message whose publisher was not acknowledged after all
   * (the bus lost it): the client sends it again as a new message, which
   * would otherwise be stored twice for the offline sessions.
   */
  withdraw(message: Uint8Array): void {
    const at = this.pending.findIndex((p) => p.message === message);
    if (at < 0) return;
    const [withdrawn] = this.pending.splice(at, 1);
    withdrawn!.clientIds.clear();
    withdrawn!.done();
  }

  private async sendAll(): Promise<void> {
    while (this.pending.length > 0 && !this.stopped) {
      await this.sendRound(this.pending.slice());
      this.pending = this.pending.filter((p) => {
        if (p.clientIds.size > 0) return true;
        p.done();
        return false;
      });
    }
  }

  /** One request per instance (cut by size) for `round`, in order; what is confirmed leaves the items' waiting sets. */
  private async sendRound(round: PendingCapture[]): Promise<void> {
    const byInstance = new Map<string, { items: CaptureItem[]; of: PendingCapture[] }>();
    for (const pending of round) {
      for (const clientId of pending.clientIds) {
        const instance = this.sessions.get(clientId)?.instance;
        // captured nowhere any more (resumed, expired): its live subscription or nobody wants it
        if (instance === undefined) {
          pending.clientIds.delete(clientId);
          continue;
        }
        let group = byInstance.get(instance);
        if (!group) byInstance.set(instance, (group = { items: [], of: [] }));
        const last = group.items.length - 1;
        if (group.of[last] === pending) group.items[last]!.clientIds.push(clientId);
        else {
          group.items.push({ clientIds: [clientId], message: pending.message });
          group.of.push(pending);
        }
      }
    }
    const requests: Promise<boolean>[] = [];
    for (const [instance, group] of byInstance) {
      let from = 0;
      let bytes = 0;
      for (let i = 0; i < group.items.length; i++) {
        bytes += group.items[i]!.message.length;
        if (bytes < REQUEST_BYTES && i < group.items.length - 1) continue;
        requests.push(this.request(instance, group.items.slice(from, i + 1), group.of.slice(from, i + 1)));
        from = i + 1;
        bytes = 0;
      }
    }
    const results = await Promise.all(requests);
    if (results.some((ok) => !ok)) this.logger.debug('capture not confirmed yet: sending again', { waiting: this.pending.length });
  }

  /** True once the instance confirmed `items`; false after the reply timeout, or when an announcement cut the wait short. */
  private request(instance: string, items: CaptureItem[], of: PendingCapture[]): Promise<boolean> {
    const batch = this.nextBatch++;
    return new Promise<boolean>((resolve) => {
      const finish = (ok: boolean): void => {
        clearTimeout(timer);
        this.replies.delete(batch);
        this.waiting.delete(cutShort);
        if (ok) items.forEach((item, i) => item.clientIds.forEach((c) => of[i]!.clientIds.delete(c)));
        resolve(ok);
      };
      const timer = setTimeout(() => finish(false), this.replyTimeoutMs);
      this.replies.set(batch, () => finish(true));
      const cutShort = (): void => finish(false);
      this.waiting.add(cutShort);
      try {
        this.bus.publish(subjects.captureRequests(instance), encodeCaptureRequest({ replyTo: subjects.captureReplies(this.gatewayId), batch, items }));
      } catch (err) {
        // the bus is closed or reconnecting: the timeout sends it again
        this.logger.debug('capture request not sent', { instance, error: err });
      }
    });
  }

  private wakeAll(): void {
    for (const cutShort of [...this.waiting]) cutShort();
  }

  private onReply(data: Uint8Array): void {
    try {
      this.replies.get(decodeCaptureReply(data).batch)?.();
    } catch (err) {
      this.logger.warn('malformed capture reply ignored', { error: err });
    }
  }

  private onInterest(data: Uint8Array): void {
    let interest: CaptureInterest;
    try {
      interest = decodeCaptureInterest(data);
    } catch (err) {
      this.logger.warn('malformed capture interest ignored', { error: err });
      return;
    }
    const known = this.instances.get(interest.instance);
    const newLife = known === undefined || known.life !== interest.life;
    const expectedSeq = known === undefined ? undefined : known.seq + (interest.kind === 'delta' ? 1 : 0);
    if (interest.kind === 'full') {
      for (const [clientId, s] of this.sessions) if (s.instance === interest.instance) this.forget(clientId);
    } else if (newLife || interest.seq !== expectedSeq) {
      // a missed announcement (or a life whose full one has not come): apply what came, and ask for everything
      this.requestSync();
    }
    for (const { clientId, filters } of interest.set) this.capturedBy(clientId, interest.instance, filters);
    for (const clientId of interest.drop) if (this.sessions.get(clientId)?.instance === interest.instance) this.forget(clientId);
    // only an unbroken sequence counts: the bus copies' stamps promise every announcement up to it was applied
    if (interest.kind === 'full' || (!newLife && interest.seq === expectedSeq)) this.instances.set(interest.instance, { life: interest.life, seq: interest.seq });
    // an instance back in a new life gets what waited for it now, not after the reply timeout
    if (newLife) this.wakeAll();
  }

  private capturedBy(clientId: string, instance: string, filters: string[]): void {
    this.forget(clientId);
    this.sessions.set(clientId, { instance, filters });
    for (const filter of filters) this.filters.add(filter, clientId);
  }

  private forget(clientId: string): void {
    const known = this.sessions.get(clientId);
    if (!known) return;
    for (const filter of known.filters) this.filters.remove(filter, clientId);
    this.sessions.delete(clientId);
  }

  /** Asks every instance for its full announcement, at most once per `syncIntervalMs`. */
  private requestSync(): void {
    const now = Date.now();
    if (now - this.lastSync < this.syncIntervalMs) return;
    this.lastSync = now;
    try {
      this.bus.publish(subjects.captureSync, new Uint8Array(0));
    } catch (err) {
      this.logger.debug('capture sync not requested', { error: err });
    }
  }
}
