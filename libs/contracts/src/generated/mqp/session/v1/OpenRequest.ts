// Original file: libs/contracts/proto/mqp/session/v1/session.proto


export interface OpenRequest {
  'clientId'?: (string);
  'gatewayId'?: (string);
  'connectionId'?: (string);
  'protocolVersion'?: (number);
  'cleanStart'?: (boolean);
  'sessionExpiryInterval'?: (number);
}

export interface OpenRequest__Output {
  'clientId': (string);
  'gatewayId': (string);
  'connectionId': (string);
  'protocolVersion': (number);
  'cleanStart': (boolean);
  'sessionExpiryInterval': (number);
}
