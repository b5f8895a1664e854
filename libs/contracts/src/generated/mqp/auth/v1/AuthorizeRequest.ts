// Original file: libs/contracts/proto/mqp/auth/v1/auth.proto

import type { AclAction as _mqp_auth_v1_AclAction, AclAction__Output as _mqp_auth_v1_AclAction__Output } from '../../../mqp/auth/v1/AclAction';
import type { AclRule as _mqp_auth_v1_AclRule, AclRule__Output as _mqp_auth_v1_AclRule__Output } from '../../../mqp/auth/v1/AclRule';

export interface AuthorizeRequest {
  'clientId'?: (string);
  'username'?: (string);
  'action'?: (_mqp_auth_v1_AclAction);
  'topic'?: (string);
  'remoteAddress'?: (string);
  'superuser'?: (boolean);
  'connectionAcl'?: (_mqp_auth_v1_AclRule)[];
  'certCn'?: (string);
  '_username'?: "username";
  '_remoteAddress'?: "remoteAddress";
  '_superuser'?: "superuser";
  '_certCn'?: "certCn";
}

export interface AuthorizeRequest__Output {
  'clientId': (string);
  'username'?: (string);
  'action': (_mqp_auth_v1_AclAction__Output);
  'topic': (string);
  'remoteAddress'?: (string);
  'superuser'?: (boolean);
  'connectionAcl': (_mqp_auth_v1_AclRule__Output)[];
  'certCn'?: (string);
  '_username'?: "username";
  '_remoteAddress'?: "remoteAddress";
  '_superuser'?: "superuser";
  '_certCn'?: "certCn";
}
