import type { Bus, BusHeaders, BusMessage, BusSubscription } from '@mqp/bus';
import { lazyMessage, messageFromBus, queueGroups, subjects } from '@mqp/contracts';
import type { Message } from '@mqp/model';
import { topicMatchesFilter } from '@mqp/protocol';
import type { Logger } from '@mqp/runtime';
import type { ClientSubscription, Connection } from './connection';

/** Delivers `message` to one member; `groupKey` tags its QoS 1 copy so it can be taken back (see `fanOut`). */
export type SharedDeliverFn = (message: Message, headers: BusHeaders | undefined, member: ClientSubscription, groupKey: string) => void;

/** One shared subscription group on this gateway: (group, filter) with its local members. */
interface SharedGroup {
  key: string;
  group: string;
  filter: string;
  /** NATS queue group and re-dispatch subject: the same on every gateway for the same (group, filter). */
  queue: string;
  /** In join order; `next` walks them round robin. */
  members: ClientSubscription[];
  next: number;
  busSubscriptions: BusSubscription[];
  ready: Promise<void>;
}

/** Bus header counting how often a message was handed back to the group; bounds ping-pong between gateways with no usable member. */
export const SHARE_HOPS_HEADER = 'mqp-share-hops';
/** A message handed back this many times is dropped (counted): every gateway it reached had no connected member. */
const MAX_SHARE_HOPS = 3;

/**
 * Shared subscriptions (`$share/{group}/{filter}`, `$queue/{filter}`; MQTT 5.0
 * §4.8.2), load-balanced over their members on all gateways:
 *
 * - Each gateway with at least one member subscribes the filter's bus
 *   subjects in the NATS queue group of (group, filter), so the bus gives each
 *   message to one of those gateways (NATS: random member; InProcessBus:
 *   round robin); that gateway picks one of its connected members round
 *   robin. docs/architecture.md "Shared subscriptions" says what fairness
 *   that gives.
 * - This is a separate kind of subscription: it has its own bus
 *   subscriptions and does not take part in SubscriptionTable's lowest-entry
 *   rule, so a client with `$share/g/t` and `t` gets a message once per
 *   subscription, and removing one leaves the other intact [CVE-2024-8376].
 * - A message that finds no connected member here, and the QoS 1 messages a
 *   leaving member had not acknowledged, go to another local member, or back
 *   to the group on the bus (subject = queue name, same queue group) when
 *   none is left on this gateway. QoS 2 is never re-dispatched [MQTT-4.8.2-4].
 */
export class SharedSubscriptions {
  private readonly groups = new Map<string, SharedGroup>();

  constructor(
    private readonly bus: Bus,
    private readonly logger: Logger,
    private readonly deliver: SharedDeliverFn,
    /** Counts messages given up on (no member anywhere after MAX_SHARE_HOPS). */
    private readonly dropped: () => void,
  ) {}

  get groupCount(): number {
    return this.groups.size;
  }

  /** Adds or replaces `sub` (which has `share`) as a member; resolves once the group's bus subscriptions are live. */
  async add(sub: ClientSubscription): Promise<void> {
    const share = sub.share;
    if (share === undefined) throw new Error('not a shared subscription');
    const key = groupKey(share.group, share.filter);
    const group = this.groups.get(key) ?? this.createGroup(key, share.group, share.filter);
    const at = group.members.findIndex((m) => m.connection === sub.connection);
    // [MQTT-3.8.4-3] the same filter again replaces the subscription (keeping its place in the round robin)
    if (at === -1) group.members.push(sub);
    else group.members[at] = sub;
    await group.ready;
  }

  /** Removes the member; its unacknowledged QoS 1 messages are re-dispatched (in-flight ones only if its connection is gone). */
  remove(connection: Connection, share: { group: string; filter: string }): void {
    const key = groupKey(share.group, share.filter);
    const group = this.groups.get(key);
    if (group === undefined) return;
    const at = group.members.findIndex((m) => m.connection === connection);
    if (at === -1) return;
    group.members.splice(at, 1);
    if (at < group.next) group.next--;
    if (group.members.length === 0) this.dropGroup(group);
    // MQTT 5.0 §4.8.2: a QoS 1 message whose member is gone SHOULD go to another member of the group
    const orphans = connection.outbound.extract((p) => p.sharedGroup === key, connection.isClosed);
    for (const publish of orphans) {
      if (publish.message !== undefined) this.dispatch(group, publish.message, undefined, 0);
    }
  }

  private createGroup(key: string, name: string, filter: string): SharedGroup {
    const queue = queueGroups.shared(name, filter);
    const group: SharedGroup = { key, group: name, filter, queue, members: [], next: 0, busSubscriptions: [], ready: Promise.resolve() };
    this.groups.set(key, group);
    try {
      for (const subject of subjects.messagesFor(filter)) {
        group.busSubscriptions.push(this.bus.subscribe(subject, (m) => this.arrived(group, m, false), { queue }));
      }
      group.busSubscriptions.push(this.bus.subscribe(queue, (m) => this.arrived(group, m, true), { queue }));
    } catch (err) {
      this.logger.error('bus subscribe failed', { filter, error: err });
    }
    group.ready = this.bus.flush().catch((err: unknown) => {
      // the bus is reconnecting: the subscriptions are registered and replayed on reconnect
      this.logger.warn('bus flush failed after shared subscribe', { filter, error: err });
    });
    return group;
  }

  private dropGroup(group: SharedGroup): void {
    if (this.groups.get(group.key) === group) this.groups.delete(group.key);
    for (const s of group.busSubscriptions.splice(0)) {
      try {
        s.unsubscribe();
      } catch (err) {
        this.logger.warn('bus unsubscribe failed', { filter: group.filter, error: err });
      }
    }
  }

  private arrived(group: SharedGroup, busMessage: BusMessage, handedBack: boolean): void {
    try {
      const message = messageFromBus(busMessage);
      // exact MQTT matching: `$` topics are not matched by a wildcard-first filter [MQTT-4.7.2-1]; every gateway decides the same
      if (!topicMatchesFilter(message.topic, group.filter)) return;
      const hops = handedBack ? Number(busMessage.headers?.[SHARE_HOPS_HEADER] ?? '0') || 0 : 0;
      this.dispatch(group, message, busMessage.headers, hops);
    } catch (err) {
      this.logger.warn('shared message from bus not delivered', { subject: busMessage.subject, error: err });
    }
  }

  /** One connected member of this gateway gets it; none left here: back to the group on the bus. */
  private dispatch(group: SharedGroup, message: Message, headers: BusHeaders | undefined, hops: number): void {
    const member = this.groups.get(group.key) === group ? this.pick(group) : undefined;
    if (member !== undefined) {
      this.deliver(message, headers, member, group.key);
      return;
    }
    if (hops >= MAX_SHARE_HOPS) {
      this.dropped();
      this.logger.warn('shared subscription message dropped: no connected member', { group: group.group, filter: group.filter });
      return;
    }
    const out: BusHeaders = { ...(headers ?? {}) };
    out[SHARE_HOPS_HEADER] = String(hops + 1);
    this.bus.publish(group.queue, lazyMessage(message), out);
  }

  private pick(group: SharedGroup): ClientSubscription | undefined {
    const n = group.members.length;
    for (let i = 0; i < n; i++) {
      const index = (group.next + i) % n;
      const member = group.members[index] as ClientSubscription;
      if (member.connection.connected) {
        group.next = (index + 1) % n;
        return member;
      }
    }
    return undefined;
  }
}

function groupKey(group: string, filter: string): string {
  return `${group}\u0000${filter}`;
}
