// Original file: libs/contracts/proto/mqp/auth/v1/auth.proto

import type { Challenge as _mqp_auth_v1_Challenge, Challenge__Output as _mqp_auth_v1_Challenge__Output } from '../../../mqp/auth/v1/Challenge';
import type { Allow as _mqp_auth_v1_Allow, Allow__Output as _mqp_auth_v1_Allow__Output } from '../../../mqp/auth/v1/Allow';
import type { Deny as _mqp_auth_v1_Deny, Deny__Output as _mqp_auth_v1_Deny__Output } from '../../../mqp/auth/v1/Deny';

export interface AuthenticateExchangeResponse {
  'challenge'?: (_mqp_auth_v1_Challenge | null);
  'allow'?: (_mqp_auth_v1_Allow | null);
  'deny'?: (_mqp_auth_v1_Deny | null);
  'data'?: (Buffer | Uint8Array | string);
  'outcome'?: "challenge"|"allow"|"deny";
  '_data'?: "data";
}

export interface AuthenticateExchangeResponse__Output {
  'challenge'?: (_mqp_auth_v1_Challenge__Output | null);
  'allow'?: (_mqp_auth_v1_Allow__Output | null);
  'deny'?: (_mqp_auth_v1_Deny__Output | null);
  'data'?: (Buffer);
  'outcome'?: "challenge"|"allow"|"deny";
  '_data'?: "data";
}
