// Original file: libs/contracts/proto/mqp/auth/v1/auth.proto

import type { ClientCertificate as _mqp_auth_v1_ClientCertificate, ClientCertificate__Output as _mqp_auth_v1_ClientCertificate__Output } from '../../../mqp/auth/v1/ClientCertificate';

export interface AuthenticateExchangeRequest {
  'method'?: (string);
  'data'?: (Buffer | Uint8Array | string);
  'state'?: (Buffer | Uint8Array | string);
  'clientId'?: (string);
  'username'?: (string);
  'remoteAddress'?: (string);
  'protocolVersion'?: (number);
  'certificate'?: (_mqp_auth_v1_ClientCertificate | null);
  '_data'?: "data";
  '_state'?: "state";
  '_username'?: "username";
  '_certificate'?: "certificate";
}

export interface AuthenticateExchangeRequest__Output {
  'method': (string);
  'data'?: (Buffer);
  'state'?: (Buffer);
  'clientId': (string);
  'username'?: (string);
  'remoteAddress': (string);
  'protocolVersion': (number);
  'certificate'?: (_mqp_auth_v1_ClientCertificate__Output | null);
  '_data'?: "data";
  '_state'?: "state";
  '_username'?: "username";
  '_certificate'?: "certificate";
}
