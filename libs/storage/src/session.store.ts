import type { ProtocolVersion, QoS } from '@mqp/model';

/** One subscription of a persistent session. */
export interface StoredSubscription {
  filter: string;
  qos: QoS;
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
}

/** Persistent session records keyed by client id. */
export interface SessionStore {
  get(clientId: string): Promise<PersistentSessionRecord | undefined>;
  /** Inserts or replaces the record of `record.clientId`. */
  put(record: PersistentSessionRecord): Promise<void>;
  delete(clientId: string): Promise<void>;
  list(): Promise<PersistentSessionRecord[]>;
}
