import type { Client } from '@grpc/grpc-js';
import { GrpcClient, type GrpcClientOptions, type ServiceHandlers } from '@mqp/grpc';
import type { CloseSessionRequest, OpenSessionRequest, OpenSessionResult, SessionApi, SessionInfo } from '../session.api';
import type { OpenRequest__Output as ProtoOpenRequestOutput } from '../generated/mqp/session/v1/OpenRequest';
import type { OpenResponse as ProtoOpenResponse, OpenResponse__Output as ProtoOpenResponseOutput } from '../generated/mqp/session/v1/OpenResponse';
import type { SessionDefinition } from '../generated/mqp/session/v1/Session';
import type { SessionInfo as ProtoSessionInfo, SessionInfo__Output as ProtoSessionInfoOutput } from '../generated/mqp/session/v1/SessionInfo';
import { sessionServiceDefinition } from './definitions';
import { protocolVersionFromWire } from './wire-values';

/** mqp.session.v1.Session over gRPC, for a process that does not run the session service itself. */
export class SessionGrpcClient implements SessionApi {
  private readonly client: GrpcClient;

  /** `target`: `host:port`, or a channel shared with other clients (`createChannel`). */
  constructor(target: string | Client, options: GrpcClientOptions = {}) {
    this.client = new GrpcClient(target, options);
  }

  // Not retried: a second Open after one that was applied would see its own
  // connection as the one to take over.
  async open(req: OpenSessionRequest): Promise<OpenSessionResult> {
    return openResultFromProto(await this.client.unary(sessionServiceDefinition.Open, req));
  }

  // Retried: a repeated Close is ignored (the connection no longer owns the id).
  async close(req: CloseSessionRequest): Promise<void> {
    await this.client.unary(sessionServiceDefinition.Close, req, { idempotent: true });
  }

  async list(): Promise<SessionInfo[]> {
    const res = await this.client.unary(sessionServiceDefinition.List, {}, { idempotent: true });
    return res.sessions.map(sessionInfoFromProto);
  }

  async resetGateway(req: { gatewayId: string }): Promise<void> {
    await this.client.unary(sessionServiceDefinition.ResetGateway, req, { idempotent: true });
  }

  /** Closes the channel if this client created it (SessionApi already has a `close`). */
  closeChannel(): void {
    this.client.close();
  }
}

/** Serves a SessionApi implementation: `server.addService(sessionServiceDefinition, sessionGrpcHandlers(session))`. */
export function sessionGrpcHandlers(impl: SessionApi): ServiceHandlers<SessionDefinition> {
  return {
    Open: async (req) => openResultToProto(await impl.open(openRequestFromProto(req))),
    Close: async (req) => {
      await impl.close({ clientId: req.clientId, connectionId: req.connectionId });
      return {};
    },
    List: async () => ({ sessions: (await impl.list()).map(sessionInfoToProto) }),
    ResetGateway: async (req) => {
      await impl.resetGateway({ gatewayId: req.gatewayId });
      return {};
    },
  };
}

export function openRequestFromProto(proto: ProtoOpenRequestOutput): OpenSessionRequest {
  return {
    clientId: proto.clientId,
    gatewayId: proto.gatewayId,
    connectionId: proto.connectionId,
    protocolVersion: protocolVersionFromWire(proto.protocolVersion),
    cleanStart: proto.cleanStart,
    sessionExpiryInterval: proto.sessionExpiryInterval,
  };
}

export function openResultToProto(result: OpenSessionResult): ProtoOpenResponse {
  const out: ProtoOpenResponse = { sessionPresent: result.sessionPresent };
  if (result.takenOver) out.takenOver = { gatewayId: result.takenOver.gatewayId, connectionId: result.takenOver.connectionId };
  return out;
}

export function openResultFromProto(proto: ProtoOpenResponseOutput): OpenSessionResult {
  const result: OpenSessionResult = { sessionPresent: proto.sessionPresent };
  if (proto.takenOver) result.takenOver = { gatewayId: proto.takenOver.gatewayId, connectionId: proto.takenOver.connectionId };
  return result;
}

export function sessionInfoToProto(info: SessionInfo): ProtoSessionInfo {
  return { ...info };
}

export function sessionInfoFromProto(proto: ProtoSessionInfoOutput): SessionInfo {
  return {
    clientId: proto.clientId,
    gatewayId: proto.gatewayId,
    connectionId: proto.connectionId,
    protocolVersion: protocolVersionFromWire(proto.protocolVersion),
    connectedAt: proto.connectedAt,
  };
}
