// Original file: libs/contracts/proto/mqp/session/v1/session.proto


export interface ResetGatewayRequest {
  'gatewayId'?: (string);
}

export interface ResetGatewayRequest__Output {
  'gatewayId': (string);
}
