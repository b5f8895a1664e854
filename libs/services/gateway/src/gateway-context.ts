import type { Bus } from '@mqp/bus';
import type { MqpConfig } from '@mqp/config';
import type { AuthApi, RouterApi, SessionApi } from '@mqp/contracts';
import type { CaptureConfirmations } from './capture-confirmations';
import type { Connection } from './connection';
import type { DeadlineWheel } from './deadline-wheel';
import type { Logger } from '@mqp/runtime';
import type { GatewayEvents } from './gateway.events';
import type { TransportName } from './listeners/transport';
import type { GatewayMetrics } from './gateway.metrics';
import type { SubscriptionTable } from './subscription-table';

/** What every handler needs from the gateway it runs in; one per gateway, shared by its connections. */
export interface GatewayContext {
  gatewayId: string;
  config: MqpConfig['gateway'];
  bus: Bus;
  auth: AuthApi;
  session: SessionApi;
  router: RouterApi;
  logger: Logger;
  metrics: GatewayMetrics;
  events: GatewayEvents;
  subscriptions: SubscriptionTable;
  /** Distributed mode: QoS 1/2 messages for offline sessions are acknowledged once the session service stored them. */
  captures?: CaptureConfirmations;
  /** Server cap on the Session Expiry Interval, seconds (config `session.maxExpiryInterval`). */
  maxSessionExpiry: number;
  /** The CONNECT and keepalive deadlines of its connections: one timer for all of them. */
  deadlines: DeadlineWheel<Connection>;
  /** When this gateway process started (its heartbeat's `startedAt`), sent with each session open. */
  startedAt: number;
  /**
   * Messages (and payload bytes) a connection may have queued behind its
   * inflight window, oldest dropped beyond: the same bound as an offline
   * session's queue (config `session.maxQueuedMessages` / `maxQueuedBytes`),
   * so a session resumed with its whole queue gets all of it.
   */
  queueLimits: { maxMessages: number; maxBytes: number };
  /** Takes one CONNECT from the listener's rate (`gateway.maxConnectRate`); false: refuse it. */
  takeConnect(transport: TransportName): boolean;
}

/**
 * Limits this gateway applies and advertises. Numbers come from
 * HOSTILE-INPUTS.md "Default limits the trusted brokers ship".
 */
export const LIMITS = {
  /** Outgoing QoS 1 messages awaiting PUBACK per connection (EMQX 32, Mosquitto 20). */
  inflightWindow: 32,
  /** Incoming QoS 1 and 2 PUBLISH a client may have unacknowledged: advertised as Receive Maximum. */
  receiveMaximum: 32,
  /**
   * Incoming QoS 2 packet ids awaiting PUBREL per client (EMQX max_awaiting_rel 100); v5 clients hit the
   * Receive Maximum first, v3.1.1 clients (no Receive Maximum) are disconnected beyond it.
   */
  awaitingRelMax: 100,
  /** An incoming QoS 2 id whose PUBREL does not come within this is forgotten (EMQX await_rel_timeout 300 s). */
  awaitingRelTimeoutMs: 300_000,
  /**
   * Bytes a socket may hold unwritten before the gateway stops handing it
   * QoS 1 and 2 messages, which then wait in the connection's queue. One
   * default max packet (1 MiB) so a legitimate large message still fits.
   * QoS 0 messages, which have no queue, are written until the socket holds
   * as much as a queue may (`session.maxQueuedBytes`, 10 MiB by default) and
   * dropped past it (Connection.writeIfWritable): a subscriber a burst
   * outpaces for a moment keeps its messages (a NATS run of 1,024 arrives at
   * once, docs/adr/0007), one that stopped reading costs a bounded buffer.
   */
  socketHighWaterMark: 1_048_576,
  /** Publish authorization decisions cached per connection; bounded so a client cycling topics cannot grow memory. */
  authorizationCacheSize: 1000,
  /** Packets parsed but not yet handled before the socket is paused (a client pipelining faster than auth answers). */
  pendingPackets: 256,
} as const;
