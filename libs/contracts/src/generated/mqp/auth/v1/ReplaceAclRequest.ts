// Original file: libs/contracts/proto/mqp/auth/v1/auth.proto

import type { AclRule as _mqp_auth_v1_AclRule, AclRule__Output as _mqp_auth_v1_AclRule__Output } from '../../../mqp/auth/v1/AclRule';

export interface ReplaceAclRequest {
  'rules'?: (_mqp_auth_v1_AclRule)[];
}

export interface ReplaceAclRequest__Output {
  'rules': (_mqp_auth_v1_AclRule__Output)[];
}
