// Original file: libs/contracts/proto/mqp/auth/v1/auth.proto

export const AclAction = {
  ACL_ACTION_UNSPECIFIED: 'ACL_ACTION_UNSPECIFIED',
  ACL_ACTION_PUBLISH: 'ACL_ACTION_PUBLISH',
  ACL_ACTION_SUBSCRIBE: 'ACL_ACTION_SUBSCRIBE',
  ACL_ACTION_ALL: 'ACL_ACTION_ALL',
} as const;

export type AclAction =
  | 'ACL_ACTION_UNSPECIFIED'
  | 0
  | 'ACL_ACTION_PUBLISH'
  | 1
  | 'ACL_ACTION_SUBSCRIBE'
  | 2
  | 'ACL_ACTION_ALL'
  | 3

export type AclAction__Output = typeof AclAction[keyof typeof AclAction]
