// Original file: libs/contracts/proto/mqp/auth/v1/auth.proto

import type { AclAction as _mqp_auth_v1_AclAction, AclAction__Output as _mqp_auth_v1_AclAction__Output } from '../../../mqp/auth/v1/AclAction';

export interface AuthorizeRequest {
  'clientId'?: (string);
  'username'?: (string);
  'action'?: (_mqp_auth_v1_AclAction);
  'topic'?: (string);
  '_username'?: "username";
}

export interface AuthorizeRequest__Output {
  'clientId': (string);
  'username'?: (string);
  'action': (_mqp_auth_v1_AclAction__Output);
  'topic': (string);
  '_username'?: "username";
}
