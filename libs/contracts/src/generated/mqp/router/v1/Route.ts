// Original file: libs/contracts/proto/mqp/router/v1/router.proto

import type { GatewayRouteCount as _mqp_router_v1_GatewayRouteCount, GatewayRouteCount__Output as _mqp_router_v1_GatewayRouteCount__Output } from '../../../mqp/router/v1/GatewayRouteCount';

export interface Route {
  'filter'?: (string);
  'gateways'?: (_mqp_router_v1_GatewayRouteCount)[];
}

export interface Route__Output {
  'filter': (string);
  'gateways': (_mqp_router_v1_GatewayRouteCount__Output)[];
}
