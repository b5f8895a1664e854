/** MQTT quality of service level. */
export type QoS = 0 | 1 | 2;

/** 3 = MQTT 3.1 (MQIsdp), 4 = MQTT 3.1.1, 5 = MQTT 5.0: the CONNECT protocol level byte. */
export type ProtocolVersion = 3 | 4 | 5;

/** A user property pair; kept as an ordered list because MQTT 5 requires order to be preserved [MQTT-3.3.2-18]. */
export type UserProperty = readonly [name: string, value: string];

/** The MQTT 5 PUBLISH properties that travel with a message from publisher to subscribers. */
export interface MessageProperties {
  payloadFormatIndicator?: boolean;
  /** Seconds; the absolute deadline is `expiresAt` on the Message. */
  messageExpiryInterval?: number;
  contentType?: string;
  responseTopic?: string;
  correlationData?: Buffer;
  userProperties?: UserProperty[];
}

/** A published application message as it travels inside the platform. */
export interface Message {
  /** Platform-wide unique id, assigned by the gateway that accepted the PUBLISH; used to remove duplicates. */
  id: string;
  topic: string;
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  properties?: MessageProperties;
  /** Who published it: used for No Local and for traces. */
  origin: MessageOrigin;
  /** Milliseconds since the epoch when the gateway accepted it. */
  createdAt: number;
  /** Milliseconds since the epoch after which it must not be delivered (from the Message Expiry Interval). */
  expiresAt?: number;
}

export interface MessageOrigin {
  clientId: string;
  gatewayId: string;
}
