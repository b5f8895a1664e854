import type { ProtocolVersion, QoS } from './message';

/**
 * Every client and message event the platform emits, in one registry
 * (names follow EMQX hookpoints). The bus subject of each is in
 * @mqp/contracts `subjects.event(name)`.
 */
export const EVENT_NAMES = [
  'client.connected',
  'client.disconnected',
  'client.connack',
  'session.subscribed',
  'session.unsubscribed',
  'message.delivered',
  'message.dropped',
] as const;

export type EventName = (typeof EVENT_NAMES)[number];

interface EventBase {
  /** Milliseconds since the epoch. */
  timestamp: number;
  clientId: string;
  username?: string;
  gatewayId: string;
}

export interface ClientConnectedEvent extends EventBase {
  name: 'client.connected';
  remoteAddress: string;
  protocolVersion: ProtocolVersion;
  keepAlive: number;
  cleanStart: boolean;
}

export interface ClientDisconnectedEvent extends EventBase {
  name: 'client.disconnected';
  reason: string;
}

export interface ClientConnackEvent extends EventBase {
  name: 'client.connack';
  reasonCode: number;
  remoteAddress: string;
}

export interface SessionSubscribedEvent extends EventBase {
  name: 'session.subscribed';
  filter: string;
  qos: QoS;
}

export interface SessionUnsubscribedEvent extends EventBase {
  name: 'session.unsubscribed';
  filter: string;
}

export interface MessageDeliveredEvent extends EventBase {
  name: 'message.delivered';
  messageId: string;
  topic: string;
  qos: QoS;
}

export interface MessageDroppedEvent extends EventBase {
  name: 'message.dropped';
  messageId: string;
  topic: string;
  reason: string;
}

export type PlatformEvent =
  | ClientConnectedEvent
  | ClientDisconnectedEvent
  | ClientConnackEvent
  | SessionSubscribedEvent
  | SessionUnsubscribedEvent
  | MessageDeliveredEvent
  | MessageDroppedEvent;
