// Original file: libs/contracts/proto/mqp/auth/v1/auth.proto


export interface Challenge {
  'data'?: (Buffer | Uint8Array | string);
  'state'?: (Buffer | Uint8Array | string);
}

export interface Challenge__Output {
  'data': (Buffer);
  'state': (Buffer);
}
