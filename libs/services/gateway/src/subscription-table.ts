import type { Bus, BusHeaders, BusMessage, BusSubscription } from '@mqp/bus';
import { arrivalFromBus, messageFromBus, subjects, topicFromBus, type ArrivalPacket } from '@mqp/contracts';
import { BoundedMemo, type Message } from '@mqp/model';
import { parseSharedFilter, TopicTrie } from '@mqp/protocol';
import type { Logger } from '@mqp/runtime';
import type { ClientSubscription, Connection } from './connection';
import type { SharedSubscriptions } from './shared-subscriptions';

/** One distinct filter among this gateway's clients, with its bus subscriptions. */
interface FilterEntry {
  filter: string;
  /** Creation order; the matching active entry with the lowest seq is the one that handles a message. */
  seq: number;
  /** True once its bus subscriptions are known to be live; false again just before they are removed. */
  active: boolean;
  subscribers: Map<Connection, ClientSubscription>;
  /** `subscribers` as a list, made when a message needs it and dropped when they change (fan-out reads it per message). */
  subscriberList: ClientSubscription[] | undefined;
  busSubscriptions: BusSubscription[];
  /** Resolves when the entry is active (or was removed before it got there). */
  ready: Promise<void>;
  /** The last subscriber left; the entry is removed after the next bus round trip unless one comes back. */
  retiring: boolean;
}

export type DeliverFn = (message: Message, headers: BusHeaders | undefined, subscriptions: readonly ClientSubscription[], arrival: ArrivalPacket | undefined) => void;

/**
 * Delivers a QoS 0 message as the packet it arrived in, to subscriptions of distinct clients, when each of them
 * takes that packet as it is; false, having sent nothing, when one does not (the message is then decoded and
 * delivered by DeliverFn).
 */
export type ForwardFn = (arrival: ArrivalPacket, headers: BusHeaders | undefined, subscriptions: readonly ClientSubscription[]) => boolean;

/** Topics whose matching entries are remembered; beyond it the memo starts over (a burst of distinct topics must not grow memory). */
const MATCH_MEMO_LIMIT = 10_000;

/**
 * The local subscription table of one gateway (ARCHITECTURE.md "Data path"):
 * one bus subscription per distinct filter of its own clients, reference
 * counted, so fan-out across gateways happens in the bus; exact MQTT matching
 * then happens here, against a TopicTrie of the local filters.
 *
 * A message whose topic matches several local filters arrives once per
 * matching filter entry. Each message must reach each client once, with no
 * per-message "seen ids" set. The rule: on arrival via entry F, compute the
 * *active* entries matching the topic; handle the message only if F is the
 * one with the lowest `seq`, and then deliver it for all of them at once.
 *
 * - No duplicates: all arrivals of one message compute the same lowest entry
 *   (nothing changes between them except through this table), so exactly one
 *   arrival handles it.
 * - Nothing lost: the lowest active entry's own bus subscription is live (an
 *   entry becomes active only after `bus.flush()` following its subscribe),
 *   so its arrival does come. An entry that is still activating is not in
 *   the set, so older entries never defer to it, and the SUBACK for its
 *   filter is only sent once it is active. Removal deactivates the entry and
 *   unsubscribes in the same tick, so no arrival defers to an entry that will
 *   no longer receive.
 * - Removal is two-phase so that no deferred arrival is stranded: when the
 *   last subscriber leaves, the entry stays active (with no subscribers) until
 *   a `bus.flush()` round trip completes, then is deactivated and its bus
 *   subscriptions dropped. Every copy the bus sent before that round trip has
 *   been processed by then, so a message that arrived via a higher entry and
 *   deferred to this one has already been handled through it. A subscriber
 *   that comes back while the entry retires revives it.
 *
 * A message published to a `$` topic is not matched by wildcard-first
 * filters [MQTT-4.7.2-1]: the trie enforces that, and the bus subject `>`
 * that such a filter uses then finds no matching entry and is ignored.
 */
export class SubscriptionTable {
  private readonly entries = new Map<string, FilterEntry>();
  private readonly trie = new TopicTrie<FilterEntry>();
  /** The trie's answer per topic, until the trie changes: a device publishing again to its topic costs one lookup. */
  private readonly matchMemo = new BoundedMemo<string, FilterEntry[]>(MATCH_MEMO_LIMIT);
  private nextSeq = 1;

  constructor(
    private readonly bus: Bus,
    private readonly logger: Logger,
    private readonly deliver: DeliverFn,
    /** Where shared subscriptions (`sub.share`) go: a separate kind, outside the lowest-entry rule. */
    private readonly shared?: SharedSubscriptions,
    private readonly forward?: ForwardFn,
  ) {}

  /** Distinct filters held (= bus subscriptions, counting `a/#` as one). */
  get filterCount(): number {
    return this.entries.size;
  }

  /** Adds or replaces `sub` for its connection; resolves once messages for the filter will be delivered. */
  async add(sub: ClientSubscription): Promise<void> {
    if (sub.share !== undefined) {
      if (this.shared === undefined) throw new Error('shared subscriptions are not enabled');
      return this.shared.add(sub);
    }
    let entry = this.entries.get(sub.filter);
    if (entry === undefined) entry = this.createEntry(sub.filter);
    entry.subscribers.set(sub.connection, sub);
    entry.subscriberList = undefined;
    await entry.ready;
  }

  /** Removes the connection's subscription to `filter`; the last one out removes the bus subscription. */
  remove(connection: Connection, filter: string): void {
    const share = this.shared === undefined ? undefined : parseSharedFilter(filter);
    if (share !== undefined) return this.shared?.remove(connection, share);
    const entry = this.entries.get(filter);
    if (entry === undefined || !entry.subscribers.delete(connection)) return;
    entry.subscriberList = undefined;
    if (entry.subscribers.size > 0 || entry.retiring) return;
    entry.retiring = true;
    const retire = (): void => this.retire(entry);
    this.bus.flush().then(retire, retire);
  }

  private retire(entry: FilterEntry): void {
    entry.retiring = false;
    if (entry.subscribers.size > 0 || this.entries.get(entry.filter) !== entry) return;
    const filter = entry.filter;
    entry.active = false;
    this.entries.delete(filter);
    this.trie.remove(filter, entry);
    this.matchMemo.clear();
    for (const s of entry.busSubscriptions) {
      try {
        s.unsubscribe();
      } catch (err) {
        this.logger.warn('bus unsubscribe failed', { filter, error: err });
      }
    }
  }

  private createEntry(filter: string): FilterEntry {
    const entry: FilterEntry = {
      filter,
      seq: this.nextSeq++,
      active: false,
      subscribers: new Map(),
      subscriberList: undefined,
      busSubscriptions: [],
      ready: Promise.resolve(),
      retiring: false,
    };
    this.entries.set(filter, entry);
    this.trie.add(filter, entry);
    this.matchMemo.clear();
    try {
      for (const subject of subjects.messagesFor(filter)) {
        entry.busSubscriptions.push(this.bus.subscribe(subject, (m) => this.arrived(entry, m)));
      }
    } catch (err) {
      this.logger.error('bus subscribe failed', { filter, error: err });
    }
    entry.ready = this.bus.flush().then(
      () => this.activate(entry),
      (err: unknown) => {
        // the bus is down or reconnecting: the subscription is registered and the bus replays it on reconnect
        this.logger.warn('bus flush failed after subscribe', { filter, error: err });
        this.activate(entry);
      },
    );
    return entry;
  }

  private activate(entry: FilterEntry): void {
    if (this.entries.get(entry.filter) === entry) entry.active = true;
  }

  /** The entries whose filter matches `topic`, active or not (arrived() looks at `active` each time). */
  private matching(topic: string): FilterEntry[] {
    let matching = this.matchMemo.get(topic);
    if (matching === undefined) {
      matching = this.trie.match(topic);
      this.matchMemo.set(topic, matching);
    }
    return matching;
  }

  private arrived(via: FilterEntry, busMessage: BusMessage): void {
    try {
      if (!via.active) return;
      // the topic alone decides which arrival handles the message; only that one pays for the full decode
      const matching = this.matching(topicFromBus(busMessage));
      let lowest: FilterEntry | undefined;
      for (const e of matching) if (e.active && (lowest === undefined || e.seq < lowest.seq)) lowest = e;
      if (lowest !== via) return;
      const arrival = arrivalFromBus(busMessage);
      // one matching filter (a device's own topic) needs no list of its own: its entry's list is handed on, and its
      // subscriptions are of distinct clients, so a message that arrived as a packet may go on as that packet
      if (matching.length === 1) {
        const subs = (via.subscriberList ??= [...via.subscribers.values()]);
        if (arrival !== undefined && this.forward?.(arrival, busMessage.headers, subs) === true) return;
        this.deliver(messageFromBus(busMessage), busMessage.headers, subs, arrival);
        return;
      }
      const all: ClientSubscription[] = [];
      for (const e of matching) if (e.active) for (const s of e.subscribers.values()) all.push(s);
      this.deliver(messageFromBus(busMessage), busMessage.headers, all, arrival);
    } catch (err) {
      this.logger.warn('message from bus not delivered', { subject: busMessage.subject, error: err });
    }
  }
}
