// Original file: libs/contracts/proto/mqp/auth/v1/auth.proto

import type { AclAction as _mqp_auth_v1_AclAction, AclAction__Output as _mqp_auth_v1_AclAction__Output } from '../../../mqp/auth/v1/AclAction';

export interface AclRule {
  'allow'?: (boolean);
  'action'?: (_mqp_auth_v1_AclAction);
  'topics'?: (string)[];
  'username'?: (string);
  'clientid'?: (string);
  'ipaddr'?: (string);
  '_username'?: "username";
  '_clientid'?: "clientid";
  '_ipaddr'?: "ipaddr";
}

export interface AclRule__Output {
  'allow': (boolean);
  'action': (_mqp_auth_v1_AclAction__Output);
  'topics': (string)[];
  'username'?: (string);
  'clientid'?: (string);
  'ipaddr'?: (string);
  '_username'?: "username";
  '_clientid'?: "clientid";
  '_ipaddr'?: "ipaddr";
}
