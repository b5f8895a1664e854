// Original file: libs/contracts/proto/mqp/auth/v1/auth.proto


export interface Allow {
  'superuser'?: (boolean);
}

export interface Allow__Output {
  'superuser': (boolean);
}
