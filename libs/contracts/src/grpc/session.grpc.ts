import type { Client } from '@grpc/grpc-js';
import { GrpcClient, type GrpcClientOptions, type ServiceHandlers } from '@mqp/grpc';
import type {
  CloseSessionRequest,
  OpenSessionRequest,
  OpenSessionResult,
  ResumeSessionRequest,
  SessionApi,
  SessionHandOver,
  SessionInfo,
  SessionMessage,
  SessionSubscription,
  SubscribeSessionRequest,
  SuspendSessionRequest,
  UnsubscribeSessionRequest,
} from '../session.api';
import type { CloseRequest as ProtoCloseRequest, CloseRequest__Output as ProtoCloseRequestOutput } from '../generated/mqp/session/v1/CloseRequest';
import type { HandOver as ProtoHandOver, HandOver__Output as ProtoHandOverOutput } from '../generated/mqp/session/v1/HandOver';
import type { SessionMessage as ProtoSessionMessage, SessionMessage__Output as ProtoSessionMessageOutput } from '../generated/mqp/session/v1/SessionMessage';
import type { Subscription as ProtoSubscription, Subscription__Output as ProtoSubscriptionOutput } from '../generated/mqp/session/v1/Subscription';
import { InvalidArgumentError } from '@mqp/model';
import { messageFromProto, messageToProto } from './message.convert';
import type { OpenRequest as ProtoOpenRequest, OpenRequest__Output as ProtoOpenRequestOutput } from '../generated/mqp/session/v1/OpenRequest';
import type { OpenResponse as ProtoOpenResponse, OpenResponse__Output as ProtoOpenResponseOutput } from '../generated/mqp/session/v1/OpenResponse';
import type { SessionDefinition } from '../generated/mqp/session/v1/Session';
import type { SessionInfo as ProtoSessionInfo, SessionInfo__Output as ProtoSessionInfoOutput } from '../generated/mqp/session/v1/SessionInfo';
import { sessionServiceDefinition } from './definitions';
import { protocolVersionFromWire, qosFromWire } from './wire-values';

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
    return openResultFromProto(await this.client.unary(sessionServiceDefinition.Open, openRequestToProto(req)));
  }

  // Retried: a repeated Close is ignored (the connection no longer owns the id),
  // and a hand-over applied twice is merged by message id.
  async close(req: CloseSessionRequest): Promise<void> {
    await this.client.unary(sessionServiceDefinition.Close, closeRequestToProto(req), { idempotent: true });
  }

  // Retried: capture of the same filters for the same connection is started once.
  async suspend(req: SuspendSessionRequest): Promise<void> {
    await this.client.unary(
      sessionServiceDefinition.Suspend,
      { clientId: req.clientId, connectionId: req.connectionId, subscriptions: req.subscriptions.map(subscriptionToProto) },
      { idempotent: true },
    );
  }

  // Retried: storing the same subscriptions again replaces them by filter.
  async subscribe(req: SubscribeSessionRequest): Promise<void> {
    await this.client.unary(
      sessionServiceDefinition.Subscribe,
      { clientId: req.clientId, connectionId: req.connectionId, subscriptions: req.subscriptions.map(subscriptionToProto) },
      { idempotent: true },
    );
  }

  // Retried: removing a filter that is already gone changes nothing.
  async unsubscribe(req: UnsubscribeSessionRequest): Promise<void> {
    await this.client.unary(sessionServiceDefinition.Unsubscribe, { clientId: req.clientId, connectionId: req.connectionId, filters: req.filters }, { idempotent: true });
  }

  // Not retried: Resume takes the held messages out of the session; a repeat
  // after a lost answer would find them gone.
  async resume(req: ResumeSessionRequest): Promise<SessionHandOver> {
    const res = await this.client.unary(sessionServiceDefinition.Resume, req);
    return handOverFromProto(res.handOver);
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
      await impl.close(closeRequestFromProto(req));
      return {};
    },
    Suspend: async (req) => {
      await impl.suspend({ clientId: req.clientId, connectionId: req.connectionId, subscriptions: req.subscriptions.map(subscriptionFromProto) });
      return {};
    },
    Subscribe: async (req) => {
      await impl.subscribe({ clientId: req.clientId, connectionId: req.connectionId, subscriptions: req.subscriptions.map(subscriptionFromProto) });
      return {};
    },
    Unsubscribe: async (req) => {
      await impl.unsubscribe({ clientId: req.clientId, connectionId: req.connectionId, filters: [...req.filters] });
      return {};
    },
    Resume: async (req) => ({ handOver: handOverToProto(await impl.resume({ clientId: req.clientId, connectionId: req.connectionId })) }),
    List: async () => ({ sessions: (await impl.list()).map(sessionInfoToProto) }),
    ResetGateway: async (req) => {
      await impl.resetGateway({ gatewayId: req.gatewayId });
      return {};
    },
  };
}

export function openRequestToProto(req: OpenSessionRequest): ProtoOpenRequest {
  const out: ProtoOpenRequest = {
    clientId: req.clientId,
    gatewayId: req.gatewayId,
    connectionId: req.connectionId,
    protocolVersion: req.protocolVersion,
    cleanStart: req.cleanStart,
    sessionExpiryInterval: req.sessionExpiryInterval,
  };
  if (req.will) out.will = { message: messageToProto(req.will.message), delaySeconds: req.will.delaySeconds };
  if (req.gatewayStartedAt !== undefined) out.gatewayStartedAt = req.gatewayStartedAt;
  return out;
}

export function openRequestFromProto(proto: ProtoOpenRequestOutput): OpenSessionRequest {
  const out: OpenSessionRequest = {
    clientId: proto.clientId,
    gatewayId: proto.gatewayId,
    connectionId: proto.connectionId,
    protocolVersion: protocolVersionFromWire(proto.protocolVersion),
    cleanStart: proto.cleanStart,
    sessionExpiryInterval: proto.sessionExpiryInterval,
  };
  if (proto.will) {
    if (!proto.will.message) throw new InvalidArgumentError('will without a message');
    out.will = { message: messageFromProto(proto.will.message), delaySeconds: proto.will.delaySeconds };
  }
  if (proto.gatewayStartedAt !== undefined) out.gatewayStartedAt = proto.gatewayStartedAt;
  return out;
}

export function openResultToProto(result: OpenSessionResult): ProtoOpenResponse {
  const out: ProtoOpenResponse = { sessionPresent: result.sessionPresent };
  if (result.subscriptions) out.subscriptions = result.subscriptions.map(subscriptionToProto);
  if (result.takenOver) out.takenOver = { gatewayId: result.takenOver.gatewayId, connectionId: result.takenOver.connectionId };
  return out;
}

export function openResultFromProto(proto: ProtoOpenResponseOutput): OpenSessionResult {
  const result: OpenSessionResult = { sessionPresent: proto.sessionPresent };
  if (proto.subscriptions.length > 0) result.subscriptions = proto.subscriptions.map(subscriptionFromProto);
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

export function subscriptionToProto(sub: SessionSubscription): ProtoSubscription {
  const out: ProtoSubscription = { filter: sub.filter, qos: sub.qos, noLocal: sub.noLocal, retainAsPublished: sub.retainAsPublished };
  if (sub.subscriptionId !== undefined) out.subscriptionId = sub.subscriptionId;
  return out;
}

export function subscriptionFromProto(proto: ProtoSubscriptionOutput): SessionSubscription {
  const out: SessionSubscription = { filter: proto.filter, qos: qosFromWire(proto.qos), noLocal: proto.noLocal, retainAsPublished: proto.retainAsPublished };
  // MQTT 5.0 §3.8.2.1.2: 1..268,435,455
  if (proto.subscriptionId !== undefined) {
    if (proto.subscriptionId < 1 || proto.subscriptionId > 268_435_455) throw new InvalidArgumentError('subscription identifier out of range');
    out.subscriptionId = proto.subscriptionId;
  }
  return out;
}

function sessionMessageToProto(m: SessionMessage): ProtoSessionMessage {
  return { message: messageToProto(m.message), qos: m.qos, packetId: m.packetId ?? 0, released: m.released === true };
}

function sessionMessageFromProto(proto: ProtoSessionMessageOutput): SessionMessage {
  if (!proto.message) throw new InvalidArgumentError('session message without a message');
  if (proto.packetId > 65_535) throw new InvalidArgumentError('packet id out of range');
  const out: SessionMessage = { message: messageFromProto(proto.message), qos: qosFromWire(proto.qos) };
  if (proto.packetId > 0) out.packetId = proto.packetId;
  if (proto.released) out.released = true;
  return out;
}

export function handOverToProto(h: SessionHandOver): ProtoHandOver {
  return { inflight: h.inflight.map(sessionMessageToProto), queued: h.queued.map(sessionMessageToProto), awaitingRel: h.awaitingRel };
}

export function handOverFromProto(proto: ProtoHandOverOutput | null): SessionHandOver {
  if (!proto) return { inflight: [], queued: [], awaitingRel: [] };
  return { inflight: proto.inflight.map(sessionMessageFromProto), queued: proto.queued.map(sessionMessageFromProto), awaitingRel: [...proto.awaitingRel] };
}

export function closeRequestToProto(req: CloseSessionRequest): ProtoCloseRequest {
  const out: ProtoCloseRequest = { clientId: req.clientId, connectionId: req.connectionId };
  if (req.handOver) out.handOver = handOverToProto(req.handOver);
  if (req.sessionExpiryInterval !== undefined) out.sessionExpiryInterval = req.sessionExpiryInterval;
  if (req.will) out.will = { message: messageToProto(req.will.message), delaySeconds: req.will.delaySeconds };
  return out;
}

export function closeRequestFromProto(proto: ProtoCloseRequestOutput): CloseSessionRequest {
  const out: CloseSessionRequest = { clientId: proto.clientId, connectionId: proto.connectionId };
  if (proto.handOver) out.handOver = handOverFromProto(proto.handOver);
  if (proto.sessionExpiryInterval !== undefined) out.sessionExpiryInterval = proto.sessionExpiryInterval;
  if (proto.will) {
    if (!proto.will.message) throw new InvalidArgumentError('will without a message');
    out.will = { message: messageFromProto(proto.will.message), delaySeconds: proto.will.delaySeconds };
  }
  return out;
}
