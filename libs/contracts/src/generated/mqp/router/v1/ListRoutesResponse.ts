// Original file: libs/contracts/proto/mqp/router/v1/router.proto

import type { Route as _mqp_router_v1_Route, Route__Output as _mqp_router_v1_Route__Output } from '../../../mqp/router/v1/Route';

export interface ListRoutesResponse {
  'routes'?: (_mqp_router_v1_Route)[];
}

export interface ListRoutesResponse__Output {
  'routes': (_mqp_router_v1_Route__Output)[];
}
