// Original file: libs/contracts/proto/mqp/session/v1/session.proto


export interface ResumeRequest {
  'clientId'?: (string);
  'connectionId'?: (string);
}

export interface ResumeRequest__Output {
  'clientId': (string);
  'connectionId': (string);
}
