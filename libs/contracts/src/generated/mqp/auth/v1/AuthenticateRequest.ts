// Original file: libs/contracts/proto/mqp/auth/v1/auth.proto


export interface AuthenticateRequest {
  'clientId'?: (string);
  'username'?: (string);
  'password'?: (Buffer | Uint8Array | string);
  'remoteAddress'?: (string);
  'protocolVersion'?: (number);
  '_username'?: "username";
  '_password'?: "password";
}

export interface AuthenticateRequest__Output {
  'clientId': (string);
  'username'?: (string);
  'password'?: (Buffer);
  'remoteAddress': (string);
  'protocolVersion': (number);
  '_username'?: "username";
  '_password'?: "password";
}
