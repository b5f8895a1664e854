// Original file: libs/contracts/proto/mqp/router/v1/router.proto


export interface GatewayRouteCount {
  'gatewayId'?: (string);
  'count'?: (number);
}

export interface GatewayRouteCount__Output {
  'gatewayId': (string);
  'count': (number);
}
