// Original file: libs/contracts/proto/mqp/auth/v1/auth.proto

import type { DenyReason as _mqp_auth_v1_DenyReason, DenyReason__Output as _mqp_auth_v1_DenyReason__Output } from '../../../mqp/auth/v1/DenyReason';

export interface Deny {
  'reason'?: (_mqp_auth_v1_DenyReason);
}

export interface Deny__Output {
  'reason': (_mqp_auth_v1_DenyReason__Output);
}
