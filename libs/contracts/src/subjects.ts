import { createHash } from 'node:crypto';
import { filterToSubjects, topicToSubject } from '@mqp/protocol';
import { BoundedMemo, type EventName } from '@mqp/model';

/**
 * The one registry of bus subjects. Application messages live under
 * `mqp.msg.`, with topic levels mapped to subject tokens by the reversible
 * escaping in @mqp/protocol; platform traffic lives under other prefixes so
 * no topic can collide with it.
 */
export const MESSAGE_PREFIX = 'mqp.msg';

/**
 * The subject of each recent topic: a device publishes to the same few topics
 * again and again, and mapping one is a scan, a replace and a concatenation
 * per PUBLISH otherwise (issue 6: cache subject mapping).
 */
const messageSubjects = new BoundedMemo<string, string>(10_000);

export const subjects = {
  /** Where a PUBLISH to `topic` is put on the bus. */
  message(topic: string): string {
    let subject = messageSubjects.get(topic);
    if (subject === undefined) {
      subject = `${MESSAGE_PREFIX}.${topicToSubject(topic)}`;
      messageSubjects.set(topic, subject);
    }
    return subject;
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
  /** Every gateway announces itself here periodically (GatewayHeartbeat): the session service ends the connections of one that falls silent. */
  gatewayHeartbeat: 'mqp.gateway.heartbeat',
  /** Commands to one gateway (kick a client id, …). */
  gatewayControl(gatewayId: string): string {
    return `mqp.gw.${gatewayId}.ctl`;
  },
  /** Replies to the capture requests of one gateway (CaptureReply). */
  captureReplies(gatewayId: string): string {
    return `mqp.gw.${gatewayId}.capture-ack`;
  },
  /** Session-service instances announce the sessions they capture here (CaptureInterest). */
  captureInterest: 'mqp.session.capture.interest',
  /** A gateway that missed announcements asks here; every instance answers with a `full` one. */
  captureSync: 'mqp.session.capture.sync',
  /** Capture requests for one session-service instance (CaptureRequest); hashed, an instance name is free text. */
  captureRequests(instance: string): string {
    return `mqp.session.capture.req.${captureInstanceKey(instance)}`;
  },
} as const;

/**
 * Queue group names: one consumer of a group gets each message. Names made
 * from client or operator strings are hashed, because those strings are
 * arbitrary while queue names and subject tokens have a syntax; the same
 * inputs give the same name in every process, so no coordination is needed.
 */
export const queueGroups = {
  /** Client events, shared by every integration instance. */
  integration: 'mqp.integration',
  /** One group per configured integration filter (docs/adr/0003). */
  integrationFilter(filter: string): string {
    return `mqp.integration.${digest(filter, 16)}`;
  },
  /** The queue group, and the hand-back subject, of a shared subscription: `$share/g/a` and `$queue/a` are different groups. */
  shared(group: string, filter: string): string {
    return `mqp.share.${digest(`${group}\u0000${filter}`, 32)}`;
  },
} as const;

/** A session-service instance's name as one subject token and capture-stamp key. */
export function captureInstanceKey(instance: string): string {
  return digest(instance, 16);
}

function digest(text: string, hexChars: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, hexChars);
}
