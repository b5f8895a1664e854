import type { Message, ProtocolVersion, QoS } from '@mqp/model';

/**
 * One subscription of a persistent session with its options. The option
 * fields are optional so records written before they existed still read;
 * absent means false / no identifier.
 */
export interface StoredSubscription {
  filter: string;
  qos: QoS;
  noLocal?: boolean;
  retainAsPublished?: boolean;
  /** MQTT 5 Subscription Identifier (1..268,435,455). */
  subscriptionId?: number;
}

/**
 * A message owed to the client, same shape as `SessionMessage` of
 * @mqp/contracts: `packetId` says it was sent with that id (resent with
 * DUP=1 [MQTT-4.4.0-1]); `released` says its PUBREC came, so a PUBREL is
 * resent instead [MQTT-4.4.0-2].
 */
export interface StoredDelivery {
  message: Message;
  qos: QoS;
  packetId?: number;
  released?: boolean;
}

/** A will whose publication waits for its delay (or the session's end) [MQTT-3.1.3-9]. */
export interface StoredWill {
  message: Message;
  /** Milliseconds since the epoch when it is published unless the client comes back. */
  dueAt: number;
}

/** What outlives the connection of a client with a persistent session (Session Expiry Interval > 0). */
export interface PersistentSessionRecord {
  clientId: string;
  protocolVersion: ProtocolVersion;
  /** Seconds, as the client asked (after any server cap); 0xFFFFFFFF never expires. */
  expiryInterval: number;
  subscriptions: StoredSubscription[];
  /** Milliseconds since the epoch of the last change; while disconnected, expiry counts from here. */
  updatedAt: number;
  /** Milliseconds since the epoch when the session ends; absent while connected or for a session that never expires. */
  expiresAt?: number;
  /**
   * Outbound messages sent and not acknowledged, with their packet ids, oldest
   * first. The unsent ones live in the QueueStore, so capturing a message does
   * not rewrite this record.
   */
  inflight?: StoredDelivery[];
  /** Incoming QoS 2 packet ids that got PUBREC and await PUBREL. */
  awaitingRel?: number[];
  will?: StoredWill;
  /**
   * Unsent messages a connection handed back when it ended, delivered after
   * `inflight` and before the QueueStore entries (which the capture may have
   * filled meanwhile): kept here so the hand-over is one record write.
   */
  pending?: StoredDelivery[];
  /**
   * The connection holding the session, present while one does (absent =
   * offline), with its will (published by the session service if its gateway
   * dies or the broker restarts) and its gateway's start time (a gateway
   * announcing a later one has restarted).
   */
  connection?: { gatewayId: string; connectionId: string; will?: { message: Message; delaySeconds: number }; gatewayStartedAt?: number };
}

/** Persistent session records keyed by client id. */
export interface SessionStore {
  get(clientId: string): Promise<PersistentSessionRecord | undefined>;
  /** Inserts or replaces the record of `record.clientId`. */
  put(record: PersistentSessionRecord): Promise<void>;
  delete(clientId: string): Promise<void>;
  list(): Promise<PersistentSessionRecord[]>;
}
