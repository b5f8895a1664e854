// Original file: libs/contracts/proto/mqp/router/v1/router.proto


export interface ResetGatewayRequest {
  'gatewayId'?: (string);
}

export interface ResetGatewayRequest__Output {
  'gatewayId': (string);
}
