// Original file: libs/contracts/proto/mqp/auth/v1/auth.proto

import type { ClientCertificate as _mqp_auth_v1_ClientCertificate, ClientCertificate__Output as _mqp_auth_v1_ClientCertificate__Output } from '../../../mqp/auth/v1/ClientCertificate';

export interface AuthenticateRequest {
  'clientId'?: (string);
  'username'?: (string);
  'password'?: (Buffer | Uint8Array | string);
  'remoteAddress'?: (string);
  'protocolVersion'?: (number);
  'certificate'?: (_mqp_auth_v1_ClientCertificate | null);
  '_username'?: "username";
  '_password'?: "password";
  '_certificate'?: "certificate";
}

export interface AuthenticateRequest__Output {
  'clientId': (string);
  'username'?: (string);
  'password'?: (Buffer);
  'remoteAddress': (string);
  'protocolVersion': (number);
  'certificate'?: (_mqp_auth_v1_ClientCertificate__Output | null);
  '_username'?: "username";
  '_password'?: "password";
  '_certificate'?: "certificate";
}
