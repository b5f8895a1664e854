// Original file: libs/contracts/proto/mqp/router/v1/router.proto


export interface RemoveRoutesRequest {
  'gatewayId'?: (string);
  'filters'?: (string)[];
}

export interface RemoveRoutesRequest__Output {
  'gatewayId': (string);
  'filters': (string)[];
}
