// Original file: libs/contracts/proto/mqp/auth/v1/auth.proto

export const DenyReason = {
  DENY_REASON_UNSPECIFIED: 'DENY_REASON_UNSPECIFIED',
  DENY_REASON_BAD_CREDENTIALS: 'DENY_REASON_BAD_CREDENTIALS',
  DENY_REASON_NOT_AUTHORIZED: 'DENY_REASON_NOT_AUTHORIZED',
  DENY_REASON_BANNED: 'DENY_REASON_BANNED',
} as const;

export type DenyReason =
  | 'DENY_REASON_UNSPECIFIED'
  | 0
  | 'DENY_REASON_BAD_CREDENTIALS'
  | 1
  | 'DENY_REASON_NOT_AUTHORIZED'
  | 2
  | 'DENY_REASON_BANNED'
  | 3

export type DenyReason__Output = typeof DenyReason[keyof typeof DenyReason]
