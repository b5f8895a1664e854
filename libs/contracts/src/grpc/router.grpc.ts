import type { Client } from '@grpc/grpc-js';
import { GrpcClient, type GrpcClientOptions, type ServiceHandlers } from '@mqp/grpc';
import { InvalidArgumentError, type Message } from '@mqp/model';
import type { RouteInfo, RouterApi, RoutesRequest } from '../router.api';
import type { Route as ProtoRoute, Route__Output as ProtoRouteOutput } from '../generated/mqp/router/v1/Route';
import type { RouterDefinition } from '../generated/mqp/router/v1/Router';
import { routerServiceDefinition } from './definitions';
import { messageFromProto, messageToProto } from './message.convert';

/** mqp.router.v1.Router over gRPC, for a process that does not run the router service itself. */
export class RouterGrpcClient implements RouterApi {
  private readonly client: GrpcClient;

  /** `target`: `host:port`, or a channel shared with other clients (`createChannel`). */
  constructor(target: string | Client, options: GrpcClientOptions = {}) {
    this.client = new GrpcClient(target, options);
  }

  // Not retried: routes are reference counted, so an Add or Remove applied
  // twice would leave a count off by one.
  async addRoutes(req: RoutesRequest): Promise<void> {
    await this.client.unary(routerServiceDefinition.AddRoutes, req);
  }

  async removeRoutes(req: RoutesRequest): Promise<void> {
    await this.client.unary(routerServiceDefinition.RemoveRoutes, req);
  }

  // Retried: forgetting a gateway, storing the same retained message and
  // reading change nothing when repeated.
  async resetGateway(req: { gatewayId: string }): Promise<void> {
    await this.client.unary(routerServiceDefinition.ResetGateway, req, { idempotent: true });
  }

  async listRoutes(): Promise<RouteInfo[]> {
    const res = await this.client.unary(routerServiceDefinition.ListRoutes, {}, { idempotent: true });
    return res.routes.map(routeFromProto);
  }

  async retain(message: Message): Promise<void> {
    await this.client.unary(routerServiceDefinition.Retain, { message: messageToProto(message) }, { idempotent: true });
  }

  async matchRetained(req: { filter: string }): Promise<Message[]> {
    const res = await this.client.unary(routerServiceDefinition.MatchRetained, req, { idempotent: true });
    return res.messages.map(messageFromProto);
  }

  /** Closes the channel if this client created it. */
  closeChannel(): void {
    this.client.close();
  }
}

/** Serves a RouterApi implementation: `server.addService(routerServiceDefinition, routerGrpcHandlers(router))`. */
export function routerGrpcHandlers(impl: RouterApi): ServiceHandlers<RouterDefinition> {
  return {
    AddRoutes: async (req) => {
      await impl.addRoutes({ gatewayId: req.gatewayId, filters: req.filters });
      return {};
    },
    RemoveRoutes: async (req) => {
      await impl.removeRoutes({ gatewayId: req.gatewayId, filters: req.filters });
      return {};
    },
    ResetGateway: async (req) => {
      await impl.resetGateway({ gatewayId: req.gatewayId });
      return {};
    },
    ListRoutes: async () => ({ routes: (await impl.listRoutes()).map(routeToProto) }),
    Retain: async (req) => {
      if (!req.message) throw new InvalidArgumentError('Retain needs a message');
      await impl.retain(messageFromProto(req.message));
      return {};
    },
    MatchRetained: async (req) => ({ messages: (await impl.matchRetained({ filter: req.filter })).map(messageToProto) }),
  };
}

export function routeToProto(route: RouteInfo): ProtoRoute {
  return { filter: route.filter, gateways: route.gateways.map((g) => ({ gatewayId: g.gatewayId, count: g.count })) };
}

export function routeFromProto(proto: ProtoRouteOutput): RouteInfo {
  return { filter: proto.filter, gateways: proto.gateways.map((g) => ({ gatewayId: g.gatewayId, count: g.count })) };
}
