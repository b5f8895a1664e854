// Original file: libs/contracts/proto/mqp/router/v1/router.proto


export interface AddRoutesRequest {
  'gatewayId'?: (string);
  'filters'?: (string)[];
}

export interface AddRoutesRequest__Output {
  'gatewayId': (string);
  'filters': (string)[];
}
