/**
 * Where each MQTT 5 property may appear in a packet a client sends (MQTT 5.0
 * §2.2.2.2, table 2-4), by the name mqtt-packet gives it. mqtt-packet reads
 * any property in any packet; MQTT 5.0 §2.2.2.2 says "A Control Packet which
 * contains an Identifier which is not valid for its packet type ... is a
 * Malformed Packet", so a property outside its packets is refused as
 * malformed (CONNACK or DISCONNECT 0x81, then close).
 *
 * Only the client-to-server direction is listed: the properties only a server
 * sends (Assigned Client Identifier, Server Keep Alive, Response Information,
 * Maximum QoS, Retain Available, Wildcard / Subscription Identifier / Shared
 * Subscription Available) appear in CONNACK alone, which a client never
 * sends. Subscription Identifier is valid for PUBLISH as a packet type; that
 * a client must not send it there is [MQTT-3.3.4-6], a Protocol Error the
 * PUBLISH handler answers with 0x82. Server Reference is valid for
 * DISCONNECT (either direction) and is ignored there.
 */

/** `will` stands for the Will Properties of a CONNECT payload (MQTT 5.0 §3.1.3.2). */
export type PropertyPlace =
  | 'connect'
  | 'will'
  | 'publish'
  | 'puback'
  | 'pubrec'
  | 'pubrel'
  | 'pubcomp'
  | 'subscribe'
  | 'unsubscribe'
  | 'disconnect'
  | 'auth';

const PLACE_BITS: Record<PropertyPlace, number> = {
  connect: 1 << 0,
  will: 1 << 1,
  publish: 1 << 2,
  puback: 1 << 3,
  pubrec: 1 << 4,
  pubrel: 1 << 5,
  pubcomp: 1 << 6,
  subscribe: 1 << 7,
  unsubscribe: 1 << 8,
  disconnect: 1 << 9,
  auth: 1 << 10,
};

function bits(...places: PropertyPlace[]): number {
  return places.reduce((acc, place) => acc | PLACE_BITS[place], 0);
}

const MESSAGE = bits('publish', 'will');
const ACKS = bits('puback', 'pubrec', 'pubrel', 'pubcomp');

/** Property name (identifier) → the places a client may put it. Not keyed by client input: only looked up with `get`. */
const CLIENT_PROPERTY_PLACES: ReadonlyMap<string, number> = new Map([
  ['payloadFormatIndicator', MESSAGE], // 0x01
  ['messageExpiryInterval', MESSAGE], // 0x02
  ['contentType', MESSAGE], // 0x03
  ['responseTopic', MESSAGE], // 0x08
  ['correlationData', MESSAGE], // 0x09
  ['subscriptionIdentifier', bits('publish', 'subscribe')], // 0x0B
  ['sessionExpiryInterval', bits('connect', 'disconnect')], // 0x11
  ['authenticationMethod', bits('connect', 'auth')], // 0x15
  ['authenticationData', bits('connect', 'auth')], // 0x16
  ['requestProblemInformation', bits('connect')], // 0x17
  ['willDelayInterval', bits('will')], // 0x18
  ['requestResponseInformation', bits('connect')], // 0x19
  ['serverReference', bits('disconnect')], // 0x1C
  ['reasonString', ACKS | bits('disconnect', 'auth')], // 0x1F
  ['receiveMaximum', bits('connect')], // 0x21
  ['topicAliasMaximum', bits('connect')], // 0x22
  ['topicAlias', bits('publish')], // 0x23
  ['userProperties', ACKS | bits('connect', 'will', 'publish', 'subscribe', 'unsubscribe', 'disconnect', 'auth')], // 0x26
  ['maximumPacketSize', bits('connect')], // 0x27
]);

/** Whether `place` is one of the packets this table covers (a client's packets that carry properties). */
export function isPropertyPlace(place: string): place is PropertyPlace {
  return Object.prototype.hasOwnProperty.call(PLACE_BITS, place);
}

/** Whether a client may send property `name` in `place` (MQTT 5.0 §2.2.2.2). */
export function propertyAllowed(name: string, place: PropertyPlace): boolean {
  const places = CLIENT_PROPERTY_PLACES.get(name);
  return places !== undefined && (places & PLACE_BITS[place]) !== 0;
}
