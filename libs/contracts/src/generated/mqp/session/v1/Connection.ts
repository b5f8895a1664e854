// Original file: libs/contracts/proto/mqp/session/v1/session.proto


export interface Connection {
  'gatewayId'?: (string);
  'connectionId'?: (string);
}

export interface Connection__Output {
  'gatewayId': (string);
  'connectionId': (string);
}
