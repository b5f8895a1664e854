import type { ProtocolVersion } from '@mqp/model';

export interface OpenSessionRequest {
  clientId: string;
  gatewayId: string;
  connectionId: string;
  protocolVersion: ProtocolVersion;
  cleanStart: boolean;
  /** Seconds; 0 = session ends with the connection. */
  sessionExpiryInterval: number;
}

export interface OpenSessionResult {
  sessionPresent: boolean;
  /** The connection that held this client id before, already told to close [MQTT-3.1.4-2]. */
  takenOver?: { gatewayId: string; connectionId: string };
}

export interface CloseSessionRequest {
  clientId: string;
  connectionId: string;
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
  /** A gateway (re)starting with this id forgets every connection it had. */
  resetGateway(req: { gatewayId: string }): Promise<void>;
}
