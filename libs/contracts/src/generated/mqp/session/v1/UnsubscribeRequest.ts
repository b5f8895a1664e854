// Original file: libs/contracts/proto/mqp/session/v1/session.proto


export interface UnsubscribeRequest {
  'clientId'?: (string);
  'connectionId'?: (string);
  'filters'?: (string)[];
}

export interface UnsubscribeRequest__Output {
  'clientId': (string);
  'connectionId': (string);
  'filters': (string)[];
}
