import { filterToSubjects, topicToSubject } from '@mqp/protocol';
import type { EventName } from '@mqp/model';

/**
 * The one registry of bus subjects. Application messages live under
 * `mqp.msg.`, with topic levels mapped to subject tokens by the reversible
 * escaping in @mqp/protocol; platform traffic lives under other prefixes so
 * no topic can collide with it.
 */
export const MESSAGE_PREFIX = 'mqp.msg';

export const subjects = {
  /** Where a PUBLISH to `topic` is put on the bus. */
  message(topic: string): string {
    return `${MESSAGE_PREFIX}.${topicToSubject(topic)}`;
  },
  /** The bus subjects whose union is exactly the messages an MQTT filter can match (`a/#` → `a.>` and `a`). */
  messagesFor(filter: string): string[] {
    return filterToSubjects(filter).map((s) => `${MESSAGE_PREFIX}.${s}`);
  },
  /** Client and message events; consumers subscribe to `mqp.event.>`. */
  event(name: EventName): string {
    return `mqp.event.${name}`;
  },
  allEvents: 'mqp.event.>',
  /** The auth service's rules, bans or users changed (AuthChangedEvent): every gateway re-checks its connections. */
  authChanged: 'mqp.auth.changed',
  /** Commands to one gateway (kick a client id, …). */
  gatewayControl(gatewayId: string): string {
    return `mqp.gw.${gatewayId}.ctl`;
  },
} as const;

/** Queue group names: one consumer of a group gets each message. */
export const queueGroups = {
  integration: 'mqp.integration',
} as const;
