// Original file: libs/contracts/proto/mqp/auth/v1/auth.proto

import type { Allow as _mqp_auth_v1_Allow, Allow__Output as _mqp_auth_v1_Allow__Output } from '../../../mqp/auth/v1/Allow';
import type { Deny as _mqp_auth_v1_Deny, Deny__Output as _mqp_auth_v1_Deny__Output } from '../../../mqp/auth/v1/Deny';

export interface AuthenticateResponse {
  'allow'?: (_mqp_auth_v1_Allow | null);
  'deny'?: (_mqp_auth_v1_Deny | null);
  'decision'?: "allow"|"deny";
}

export interface AuthenticateResponse__Output {
  'allow'?: (_mqp_auth_v1_Allow__Output | null);
  'deny'?: (_mqp_auth_v1_Deny__Output | null);
  'decision'?: "allow"|"deny";
}
