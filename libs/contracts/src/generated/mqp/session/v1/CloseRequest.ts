// Original file: libs/contracts/proto/mqp/session/v1/session.proto


export interface CloseRequest {
  'clientId'?: (string);
  'connectionId'?: (string);
}

export interface CloseRequest__Output {
  'clientId': (string);
  'connectionId': (string);
}
