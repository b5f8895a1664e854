import type { Message, MessageProperties, ProtocolVersion, QoS, UserProperty } from '@mqp/model';
import { framingOf, type ArrivalPacket } from '@mqp/contracts';
import { encodePublish } from '@mqp/protocol';
import { generate, type IPublishPacket, type UserProperties } from 'mqtt-packet';

/**
 * Conversions between mqtt-packet PUBLISH packets and the platform Message,
 * and the serialization of outgoing PUBLISH bytes.
 */

/** mqtt-packet gives user properties as a name → value(s) record; the platform keeps an ordered list [MQTT-3.3.2-18]. */
export function userPropertiesToList(props: UserProperties | undefined): UserProperty[] | undefined {
  if (!props) return undefined;
  const out: UserProperty[] = [];
  for (const name of Object.keys(props)) {
    const value = props[name];
    if (Array.isArray(value)) for (const v of value) out.push([name, String(v)]);
    else if (value !== undefined) out.push([name, String(value)]);
  }
  return out.length > 0 ? out : undefined;
}

export function userPropertiesFromList(list: readonly UserProperty[]): UserProperties {
  // client-controlled names: no prototype, so `__proto__` is just a name
  const out = Object.create(null) as UserProperties;
  for (const [name, value] of list) {
    const existing = out[name];
    if (existing === undefined) out[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[name] = [existing, value];
  }
  return out;
}

/** The MQTT 5 properties of a client PUBLISH that travel to subscribers (topic alias and subscription ids do not). */
export function messagePropertiesOf(packet: IPublishPacket): MessageProperties | undefined {
  const p = packet.properties;
  if (!p) return undefined;
  const out: MessageProperties = {};
  if (p.payloadFormatIndicator !== undefined) out.payloadFormatIndicator = p.payloadFormatIndicator;
  if (p.messageExpiryInterval !== undefined) out.messageExpiryInterval = p.messageExpiryInterval;
  if (p.contentType !== undefined) out.contentType = p.contentType;
  if (p.responseTopic !== undefined) out.responseTopic = p.responseTopic;
  if (p.correlationData !== undefined) out.correlationData = p.correlationData;
  const user = userPropertiesToList(p.userProperties);
  if (user) out.userProperties = user;
  return Object.keys(out).length > 0 ? out : undefined;
}

export interface PublishVariant {
  qos: QoS;
  retain: boolean;
  protocolVersion: ProtocolVersion;
  /** Replaces the value of a forwarded `traceparent` user property (v5 only). */
  traceparent?: string;
  /** The time of sending, for the remaining Message Expiry Interval (read only when the message expires). */
  now: number;
  /** v5: the identifiers of the recipient's subscriptions that matched [MQTT-3.3.4-3]. */
  subscriptionIds?: readonly number[];
  /** v5: a Topic Alias for this connection; with `aliasKnown` the topic is sent empty (MQTT 5.0 §3.3.2.3.4). */
  topicAlias?: number;
  aliasKnown?: boolean;
}

/** Placeholder written where the packet identifier goes; patched per client (see OutboundQueue). */
const PLACEHOLDER_PACKET_ID = 1;

export interface SerializedPublish {
  bytes: Buffer;
  /** Offset of the 2-byte packet identifier, or -1 for QoS 0. */
  packetIdOffset: number;
}

/**
 * The PUBLISH bytes of `message` for one variant. A QoS 0 copy without
 * RETAIN, properties, subscription identifiers or alias, for a client of the
 * framing the message `arrival` was in, is that packet itself: the same bytes
 * once more, not written again.
 */
export function serializePublish(message: Message, variant: PublishVariant, arrival?: ArrivalPacket): SerializedPublish {
  if (arrival !== undefined && isArrivalVariant(variant, arrival)) return { bytes: arrival.bytes, packetIdOffset: -1 };
  if (variant.protocolVersion !== 5 || !(message.properties || variant.subscriptionIds || variant.topicAlias !== undefined)) {
    // the common case, no properties: written directly (packet-writer)
    const packetId = variant.qos > 0 ? PLACEHOLDER_PACKET_ID : undefined;
    const bytes = encodePublish({ topic: message.topic, qos: variant.qos, retain: variant.retain, packetId, protocolVersion: variant.protocolVersion }, message.payload);
    return { bytes, packetIdOffset: variant.qos > 0 ? packetIdOffsetOf(bytes) : -1 };
  }
  const packet: IPublishPacket = {
    cmd: 'publish',
    topic: variant.topicAlias !== undefined && variant.aliasKnown === true ? '' : message.topic,
    payload: message.payload,
    qos: variant.qos,
    retain: variant.retain,
    dup: false,
  };
  if (variant.qos > 0) packet.messageId = PLACEHOLDER_PACKET_ID;
  packet.properties = outgoingProperties(message, variant);
  const bytes = generate(packet, { protocolVersion: variant.protocolVersion });
  return { bytes, packetIdOffset: variant.qos > 0 ? packetIdOffsetOf(bytes) : -1 };
}

function isArrivalVariant(variant: PublishVariant, arrival: ArrivalPacket): boolean {
  return (
    variant.qos === 0 &&
    !variant.retain &&
    variant.subscriptionIds === undefined &&
    variant.topicAlias === undefined &&
    variant.traceparent === undefined &&
    framingOf(variant.protocolVersion) === arrival.framing
  );
}

function outgoingProperties(message: Message, variant: PublishVariant): NonNullable<IPublishPacket['properties']> {
  const p: MessageProperties = message.properties ?? {};
  const out: NonNullable<IPublishPacket['properties']> = {};
  if (variant.topicAlias !== undefined) out.topicAlias = variant.topicAlias;
  // [MQTT-3.3.4-3] every matching subscription's identifier; mqtt-packet writes an array as repeated properties
  if (variant.subscriptionIds && variant.subscriptionIds.length > 0) {
    out.subscriptionIdentifier = variant.subscriptionIds.length === 1 ? (variant.subscriptionIds[0] as number) : [...variant.subscriptionIds];
  }
  if (p.payloadFormatIndicator !== undefined) out.payloadFormatIndicator = p.payloadFormatIndicator;
  if (message.expiresAt !== undefined) {
    // [MQTT-3.3.2-6] the interval forwarded is what remains of the publisher's
    out.messageExpiryInterval = Math.max(1, Math.ceil((message.expiresAt - variant.now) / 1000));
  }
  if (p.contentType !== undefined) out.contentType = p.contentType;
  if (p.responseTopic !== undefined) out.responseTopic = p.responseTopic;
  if (p.correlationData !== undefined) out.correlationData = p.correlationData;
  if (p.userProperties && p.userProperties.length > 0) {
    const list = variant.traceparent
      ? p.userProperties.map((up): UserProperty => (up[0] === 'traceparent' ? ['traceparent', variant.traceparent as string] : up))
      : p.userProperties;
    out.userProperties = userPropertiesFromList(list);
  }
  return out;
}

/** Fixed header (1 byte + 1..4 bytes Remaining Length) then the 2-byte topic length and the topic. */
function packetIdOffsetOf(bytes: Buffer): number {
  let at = 1;
  while (((bytes[at] as number) & 0x80) !== 0) at++;
  at++;
  const topicLength = bytes.readUInt16BE(at);
  return at + 2 + topicLength;
}
