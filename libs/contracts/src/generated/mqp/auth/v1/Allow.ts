// Original file: libs/contracts/proto/mqp/auth/v1/auth.proto

import type { AclRule as _mqp_auth_v1_AclRule, AclRule__Output as _mqp_auth_v1_AclRule__Output } from '../../../mqp/auth/v1/AclRule';
import type { Long } from '@grpc/proto-loader';

export interface Allow {
  'superuser'?: (boolean);
  'expiresAtMs'?: (number | string | Long);
  'acl'?: (_mqp_auth_v1_AclRule)[];
  '_expiresAtMs'?: "expiresAtMs";
}

export interface Allow__Output {
  'superuser': (boolean);
  'expiresAtMs'?: (number);
  'acl': (_mqp_auth_v1_AclRule__Output)[];
  '_expiresAtMs'?: "expiresAtMs";
}
