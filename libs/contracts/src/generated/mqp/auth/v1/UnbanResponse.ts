// Original file: libs/contracts/proto/mqp/auth/v1/auth.proto


export interface UnbanResponse {
  'removed'?: (boolean);
}

export interface UnbanResponse__Output {
  'removed': (boolean);
}
