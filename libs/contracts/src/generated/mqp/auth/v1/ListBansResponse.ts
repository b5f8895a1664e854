// Original file: libs/contracts/proto/mqp/auth/v1/auth.proto

import type { Ban as _mqp_auth_v1_Ban, Ban__Output as _mqp_auth_v1_Ban__Output } from '../../../mqp/auth/v1/Ban';

export interface ListBansResponse {
  'bans'?: (_mqp_auth_v1_Ban)[];
}

export interface ListBansResponse__Output {
  'bans': (_mqp_auth_v1_Ban__Output)[];
}
