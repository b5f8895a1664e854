// Original file: libs/contracts/proto/mqp/session/v1/session.proto


export interface SessionInfo {
  'clientId'?: (string);
  'gatewayId'?: (string);
  'connectionId'?: (string);
  'protocolVersion'?: (number);
  'connectedAt'?: (number | string);
}

export interface SessionInfo__Output {
  'clientId': (string);
  'gatewayId': (string);
  'connectionId': (string);
  'protocolVersion': (number);
  'connectedAt': (number);
}
