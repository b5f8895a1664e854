import { generate, type Packet } from 'mqtt-packet';

/**
 * MQTT 5 Reason Strings on the packets the server answers with: a short,
 * human-readable why for a refusal (MQTT 5.0 §3.2.2.3.10, §3.4.2.2.2, ...).
 * The diagnostic is optional, so it is dropped rather than ever break a rule:
 *   - [MQTT-3.1.2-29] a client that set Request Problem Information 0 gets
 *     none (on CONNACK and DISCONNECT the server MAY still send one; it
 *     does not);
 *   - the packet must not exceed the client's Maximum Packet Size because of
 *     it: [MQTT-3.2.2-19] CONNACK, [MQTT-3.4.2-2] PUBACK, [MQTT-3.5.2-2]
 *     PUBREC, [MQTT-3.6.2-2] PUBREL, [MQTT-3.7.2-2] PUBCOMP, [MQTT-3.9.2-1]
 *     SUBACK, [MQTT-3.11.2-1] UNSUBACK, [MQTT-3.14.2-3] DISCONNECT.
 * v3.1.1 has no properties: the packet goes out as it is.
 */

/** What of a connection this needs (Connection has all of it). */
export interface ReasonStringTarget {
  protocolVersion: number;
  /** False when the client's CONNECT had Request Problem Information 0. */
  problemInformation: boolean;
  /** The client's Maximum Packet Size (infinite when it gave none). */
  maxOutgoingPacketSize: number;
  send(packet: Packet): void;
  writeBytes(bytes: Buffer): void;
}

/** Overrides for a CONNECT refused before validateConnect recorded the client's wishes on the connection. */
export interface ReasonStringLimits {
  problemInformation?: boolean;
  maxPacketSize?: number;
}

/** A v5 Reason String is a UTF-8 string (at most 65,535 bytes); ours are short, this only guards against a long parser message. */
const MAX_REASON_CHARS = 200;

/** Sends `packet` with `reasonString` added to its properties when the rules above allow, else without it. */
export function sendWithReasonString(conn: ReasonStringTarget, packet: Packet, reasonString: string | undefined, limits: ReasonStringLimits = {}): void {
  const allowed = limits.problemInformation ?? conn.problemInformation;
  if (conn.protocolVersion !== 5 || !allowed || reasonString === undefined || reasonString.length === 0) {
    conn.send(packet);
    return;
  }
  const withReason = { ...packet, properties: { ...(packet as { properties?: object }).properties, reasonString: reasonString.slice(0, MAX_REASON_CHARS) } } as Packet;
  const bytes = generate(withReason, { protocolVersion: 5 });
  if (bytes.length <= (limits.maxPacketSize ?? conn.maxOutgoingPacketSize)) conn.writeBytes(bytes);
  else conn.send(packet);
}

/** Human text for the machine reasons the gateway closes or refuses with (`Connection.closeReason`); others are spelled out from the identifier. */
const REASON_TEXT: ReadonlyMap<string, string> = new Map([
  ['second_connect', 'second CONNECT on one connection'],
  ['keepalive_timeout', 'no packet within 1.5 times the keep alive'],
  ['receive_maximum_exceeded', 'more QoS 1/2 PUBLISH in flight than the Receive Maximum'],
  ['awaiting_rel_full', 'too many QoS 2 messages awaiting PUBREL'],
  ['message_rate_exceeded', 'message rate too high'],
  ['subscription_identifier_in_publish', 'a client PUBLISH must not carry a Subscription Identifier'],
  ['subscription_identifier_invalid', 'Subscription Identifier out of range'],
  ['empty_topic_without_alias', 'empty topic name without a Topic Alias'],
  ['topic_name_invalid', 'topic name invalid'],
  ['no_local_on_shared_subscription', 'No Local is not allowed on a shared subscription'],
  ['session_expiry_from_zero', 'Session Expiry Interval cannot be set at DISCONNECT when it was 0'],
  ['unexpected_auth', 'AUTH without an authentication method in CONNECT'],
  ['auth_expired', 'credentials expired'],
  ['kicked', 'another connection took over this session'],
  ['cut_off', 'this server lost the cluster and your session moved on: connect again'],
  ['connection_rate_exceeded', 'connection rate exceeded'],
  ['client_id_invalid', 'client identifier not valid'],
  ['client_id_too_long', 'client identifier longer than 23 characters (MQTT 3.1)'],
  ['client_id_required', 'client identifier required'],
  ['will_topic_invalid', 'will topic invalid'],
  ['auth_method_not_supported', 'authentication method not supported'],
  ['auth_bad_auth_method', 'authentication method not supported'],
  ['auth_method_mismatch', 'authentication method differs from the one in CONNECT'],
  ['auth_bad_credentials', 'bad user name or password'],
  ['auth_not_authorized', 'not authorized'],
  ['auth_banned', 'banned'],
  ['auth_unavailable', 'authentication service unavailable'],
  ['session_unavailable', 'session service unavailable'],
]);

/** `keepalive_timeout` → "no packet within 1.5 times the keep alive"; an unknown id → its words ("server_packet_connack" → "server packet connack"). */
export function reasonText(reason: string): string {
  return REASON_TEXT.get(reason) ?? reason.replace(/_/g, ' ');
}
