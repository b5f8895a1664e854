// Original file: libs/contracts/proto/mqp/router/v1/router.proto


export interface MatchRetainedRequest {
  'filter'?: (string);
}

export interface MatchRetainedRequest__Output {
  'filter': (string);
}
