import type { Message } from '@mqp/model';

export interface RoutesRequest {
  gatewayId: string;
  filters: string[];
}

export interface RouteInfo {
  filter: string;
  gateways: { gatewayId: string; count: number }[];
}

/** mqp.router.v1.Router: the cluster-wide route registry and retained messages. */
export interface RouterApi {
  /** Counts one more subscription per filter on the gateway. */
  addRoutes(req: RoutesRequest): Promise<void>;
  /** Counts one subscription less per filter; a filter at zero is removed. */
  removeRoutes(req: RoutesRequest): Promise<void>;
  /** Forgets every route of a gateway (it restarted or is gone). */
  resetGateway(req: { gatewayId: string }): Promise<void>;
  listRoutes(): Promise<RouteInfo[]>;
  /** Stores a retained message; an empty payload clears the topic [MQTT-3.3.1-6]. */
  retain(message: Message): Promise<void>;
  /** Retained messages whose topic matches the filter [MQTT-3.3.1-9]. */
  matchRetained(req: { filter: string }): Promise<Message[]>;
}
