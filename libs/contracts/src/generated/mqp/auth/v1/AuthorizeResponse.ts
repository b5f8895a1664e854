// Original file: libs/contracts/proto/mqp/auth/v1/auth.proto


export interface AuthorizeResponse {
  'allow'?: (boolean);
}

export interface AuthorizeResponse__Output {
  'allow': (boolean);
}
