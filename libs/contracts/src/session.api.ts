import type { Message, ProtocolVersion, QoS } from '@mqp/model';

export interface OpenSessionRequest {
  clientId: string;
  gatewayId: string;
  connectionId: string;
  protocolVersion: ProtocolVersion;
  cleanStart: boolean;
  /** Seconds; 0 = session ends with the connection. */
  sessionExpiryInterval: number;
  /**
   * The CONNECT's will (`delaySeconds`: its Will Delay Interval, 0 for v3),
   * kept by the session service while the connection lives and published by
   * it only when the connection's gateway dies (heartbeats stop, or it comes
   * back with a new `startedAt`); a gateway that sees its connection end
   * publishes or discards the will itself [MQTT-3.1.2-8].
   */
  will?: SessionWill;
  /** The gateway's `GatewayHeartbeat.startedAt`: a restarted gateway's new heartbeat ends only connections of its earlier life. */
  gatewayStartedAt?: number;
}

/** One subscription of a persistent session, as granted in its SUBACK. */
export interface SessionSubscription {
  filter: string;
  qos: QoS;
  noLocal: boolean;
  retainAsPublished: boolean;
  /** MQTT 5 Subscription Identifier (1..268,435,455) sent with its messages. */
  subscriptionId?: number;
}

/**
 * A message owed to a client of a persistent session: `qos` is the QoS it is
 * delivered at (after the downgrade to the subscription's); a `packetId`
 * (1..65535) says it was already sent with that id and is resent with DUP=1
 * [MQTT-4.4.0-1]; `released` says its PUBREC came (QoS 2), so a PUBREL is
 * resent instead [MQTT-4.4.0-2].
 */
export interface SessionMessage {
  message: Message;
  qos: QoS;
  packetId?: number;
  released?: boolean;
}

/** The will of a connection that ended, for the session service to publish after its delay. */
export interface SessionWill {
  message: Message;
  /** Seconds from the disconnect; the service publishes at min(delay, session expiry) unless the client comes back [MQTT-3.1.3-9]. */
  delaySeconds: number;
}

/** What a connection of a persistent session leaves behind for the next one. */
export interface SessionHandOver {
  /** Sent and unacknowledged, with their packet ids, oldest first. */
  inflight: SessionMessage[];
  /** Not sent yet, in order. */
  queued: SessionMessage[];
  /** Incoming QoS 2 packet ids that got PUBREC and await PUBREL. */
  awaitingRel: number[];
}

export interface SuspendSessionRequest {
  clientId: string;
  connectionId: string;
  subscriptions: SessionSubscription[];
}

/** A connection of a persistent session subscribed: its granted (non-shared) subscriptions, replacing any of the same filter. */
export interface SubscribeSessionRequest {
  clientId: string;
  connectionId: string;
  subscriptions: SessionSubscription[];
}

/** A connection of a persistent session unsubscribed from these filters. */
export interface UnsubscribeSessionRequest {
  clientId: string;
  connectionId: string;
  filters: string[];
}

export interface ResumeSessionRequest {
  clientId: string;
  connectionId: string;
}

export interface OpenSessionResult {
  sessionPresent: boolean;
  /** The subscriptions of the resumed session (with sessionPresent). */
  subscriptions?: SessionSubscription[];
  /** The connection that held this client id before, already told to close [MQTT-3.1.4-2]. */
  takenOver?: { gatewayId: string; connectionId: string };
}

export interface CloseSessionRequest {
  clientId: string;
  connectionId: string;
  /** A persistent session's undelivered state (after `suspend`). */
  handOver?: SessionHandOver;
  /** v5 DISCONNECT may change the Session Expiry Interval (not from 0) [MQTT-3.14.2-2]. */
  sessionExpiryInterval?: number;
  /** A will with a delay, published by the session service unless the client comes back in time. */
  will?: SessionWill;
}

export interface SessionInfo {
  clientId: string;
  gatewayId: string;
  connectionId: string;
  protocolVersion: ProtocolVersion;
  connectedAt: number;
}

/** mqp.session.v1.Session: where each client id lives, and its session state. */
export interface SessionApi {
  open(req: OpenSessionRequest): Promise<OpenSessionResult>;
  /** Ignored when `connectionId` no longer owns the client id (it was taken over). */
  close(req: CloseSessionRequest): Promise<void>;
  list(): Promise<SessionInfo[]>;
  /**
   * A connection of a persistent session is ending: start capturing the
   * messages of its subscriptions from the bus. Resolves once the capture is
   * live, so the gateway may drop its own bus subscriptions after it.
   */
  suspend(req: SuspendSessionRequest): Promise<void>;
  /**
   * A connection that resumed a session has subscribed again: stop the
   * capture and take what the session holds (inflight first, then queued).
   */
  resume(req: ResumeSessionRequest): Promise<SessionHandOver>;
  /**
   * A connection of a persistent session (expiry > 0) subscribed: the
   * subscriptions are stored (replacing any of the same filter) before this
   * resolves, so they survive a crash of the broker before the connection
   * ends. Ignored for a non-persistent session or a connection that does not
   * own the client id.
   */
  subscribe(req: SubscribeSessionRequest): Promise<void>;
  /** The counterpart of `subscribe`: the filters are removed from the stored session before this resolves. Same ignore rules. */
  unsubscribe(req: UnsubscribeSessionRequest): Promise<void>;
  /** A gateway (re)starting with this id forgets every connection it had. */
  resetGateway(req: { gatewayId: string }): Promise<void>;
}
