/**
 * MQTT 5.0 reason codes (section 2.4, table 2-6), named as in the spec. Some
 * values have several names because the spec names them per packet
 * (0x00 is Success, Normal disconnection and Granted QoS 0).
 */
export const ReasonCode = {
  Success: 0x00,
  NormalDisconnection: 0x00,
  GrantedQoS0: 0x00,
  GrantedQoS1: 0x01,
  GrantedQoS2: 0x02,
  DisconnectWithWillMessage: 0x04,
  NoMatchingSubscribers: 0x10,
  NoSubscriptionExisted: 0x11,
  ContinueAuthentication: 0x18,
  ReAuthenticate: 0x19,
  UnspecifiedError: 0x80,
  MalformedPacket: 0x81,
  ProtocolError: 0x82,
  ImplementationSpecificError: 0x83,
  UnsupportedProtocolVersion: 0x84,
  ClientIdentifierNotValid: 0x85,
  BadUserNameOrPassword: 0x86,
  NotAuthorized: 0x87,
  ServerUnavailable: 0x88,
  ServerBusy: 0x89,
  Banned: 0x8a,
  ServerShuttingDown: 0x8b,
  BadAuthenticationMethod: 0x8c,
  KeepAliveTimeout: 0x8d,
  SessionTakenOver: 0x8e,
  TopicFilterInvalid: 0x8f,
  TopicNameInvalid: 0x90,
  PacketIdentifierInUse: 0x91,
  PacketIdentifierNotFound: 0x92,
  ReceiveMaximumExceeded: 0x93,
  TopicAliasInvalid: 0x94,
  PacketTooLarge: 0x95,
  MessageRateTooHigh: 0x96,
  QuotaExceeded: 0x97,
  AdministrativeAction: 0x98,
  PayloadFormatInvalid: 0x99,
  RetainNotSupported: 0x9a,
  QoSNotSupported: 0x9b,
  UseAnotherServer: 0x9c,
  ServerMoved: 0x9d,
  SharedSubscriptionsNotSupported: 0x9e,
  ConnectionRateExceeded: 0x9f,
  MaximumConnectTime: 0xa0,
  SubscriptionIdentifiersNotSupported: 0xa1,
  WildcardSubscriptionsNotSupported: 0xa2,
} as const;

export type ReasonCodeName = keyof typeof ReasonCode;

/** MQTT 3.1.1 CONNACK return codes (section 3.2.2.3, table 3.1); MQTT 3.1 uses the same. */
export const ConnackReturnCode = {
  Accepted: 0,
  UnacceptableProtocolVersion: 1,
  IdentifierRejected: 2,
  ServerUnavailable: 3,
  BadUserNameOrPassword: 4,
  NotAuthorized: 5,
} as const;

/** MQTT 3.1.1 SUBACK return code for a refused subscription (section 3.9.3). */
export const SUBACK_FAILURE_V3 = 0x80;

/**
 * The v3.1.1 CONNACK return code that says what a v5 CONNACK reason code
 * says, so connect handlers decide once, in v5 terms. Follows EMQX
 * (`emqx_reason_codes:compat(connack, _)`):
 *
 * | v5 reason                                              | v3 |
 * |--------------------------------------------------------|----|
 * | 0x00 Success                                           | 0  |
 * | 0x81 Malformed, 0x82 Protocol error, 0x84 Unsupported  | 1  |
 * | 0x85 Client identifier not valid                       | 2  |
 * | 0x86 Bad user name or password                         | 4  |
 * | 0x87 Not authorized, 0x8A Banned, 0x8C Bad auth method | 5  |
 * | anything else (0x80, 0x83, 0x88 unavailable, 0x89      | 3  |
 * |   busy, 0x8B shutting down, 0x97 quota, 0x9C/0x9D      |    |
 * |   server moved, 0x9F rate …)                           |    |
 *
 * One deviation from EMQX: it answers 0x80 and 0x83 with 1 (unacceptable
 * protocol version), which would tell a correct client to downgrade; here
 * they are 3 (server unavailable), the closest honest v3 answer.
 */
export function connackCodeFor(protocolVersion: 3 | 4 | 5, v5Code: number): number {
  if (protocolVersion === 5) return v5Code;
  switch (v5Code) {
    case ReasonCode.Success:
      return ConnackReturnCode.Accepted;
    case ReasonCode.MalformedPacket:
    case ReasonCode.ProtocolError:
    case ReasonCode.UnsupportedProtocolVersion:
      return ConnackReturnCode.UnacceptableProtocolVersion;
    case ReasonCode.ClientIdentifierNotValid:
      return ConnackReturnCode.IdentifierRejected;
    case ReasonCode.BadUserNameOrPassword:
      return ConnackReturnCode.BadUserNameOrPassword;
    case ReasonCode.NotAuthorized:
    case ReasonCode.Banned:
    case ReasonCode.BadAuthenticationMethod:
      return ConnackReturnCode.NotAuthorized;
    default:
      return ConnackReturnCode.ServerUnavailable;
  }
}
