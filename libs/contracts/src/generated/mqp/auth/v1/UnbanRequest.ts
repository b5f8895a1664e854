// Original file: libs/contracts/proto/mqp/auth/v1/auth.proto

import type { BanKind as _mqp_auth_v1_BanKind, BanKind__Output as _mqp_auth_v1_BanKind__Output } from '../../../mqp/auth/v1/BanKind';

export interface UnbanRequest {
  'kind'?: (_mqp_auth_v1_BanKind);
  'value'?: (string);
}

export interface UnbanRequest__Output {
  'kind': (_mqp_auth_v1_BanKind__Output);
  'value': (string);
}
