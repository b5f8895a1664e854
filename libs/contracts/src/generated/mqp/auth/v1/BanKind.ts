// Original file: libs/contracts/proto/mqp/auth/v1/auth.proto

export const BanKind = {
  BAN_KIND_UNSPECIFIED: 'BAN_KIND_UNSPECIFIED',
  BAN_KIND_CLIENT_ID: 'BAN_KIND_CLIENT_ID',
  BAN_KIND_USERNAME: 'BAN_KIND_USERNAME',
  BAN_KIND_IPADDR: 'BAN_KIND_IPADDR',
} as const;

export type BanKind =
  | 'BAN_KIND_UNSPECIFIED'
  | 0
  | 'BAN_KIND_CLIENT_ID'
  | 1
  | 'BAN_KIND_USERNAME'
  | 2
  | 'BAN_KIND_IPADDR'
  | 3

export type BanKind__Output = typeof BanKind[keyof typeof BanKind]
