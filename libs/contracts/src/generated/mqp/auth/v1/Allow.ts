// Original file: libs/contracts/proto/mqp/auth/v1/auth.proto

import type { AclRule as _mqp_auth_v1_AclRule, AclRule__Output as _mqp_auth_v1_AclRule__Output } from '../../../mqp/auth/v1/AclRule';
import type { Long } from '@grpc/proto-loader';

export interface Allow {
  'superuser'?: (boolean);
  'expiresAtMs'?: (number | string | Long);
  'acl'?: (_mqp_auth_v1_AclRule)[];
  'username'?: (string);
  'clientId'?: (string);
  '_expiresAtMs'?: "expiresAtMs";
  '_username'?: "username";
  '_clientId'?: "clientId";
}

export interface Allow__Output {
  'superuser': (boolean);
  'expiresAtMs'?: (number);
  'acl': (_mqp_auth_v1_AclRule__Output)[];
  'username'?: (string);
  'clientId'?: (string);
  '_expiresAtMs'?: "expiresAtMs";
  '_username'?: "username";
  '_clientId'?: "clientId";
}
