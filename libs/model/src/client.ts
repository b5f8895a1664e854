import type { ProtocolVersion } from './message';

/** What the platform knows about one live MQTT connection. */
export interface ClientIdentity {
  clientId: string;
  username?: string;
  /** Address of the peer as the listener saw it (no port). */
  remoteAddress: string;
  protocolVersion: ProtocolVersion;
  gatewayId: string;
  /** Unique per network connection; a client id reconnecting gets a new one. */
  connectionId: string;
}

export type AclAction = 'publish' | 'subscribe';
