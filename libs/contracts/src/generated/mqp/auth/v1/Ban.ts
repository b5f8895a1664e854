// Original file: libs/contracts/proto/mqp/auth/v1/auth.proto

import type { BanKind as _mqp_auth_v1_BanKind, BanKind__Output as _mqp_auth_v1_BanKind__Output } from '../../../mqp/auth/v1/BanKind';
import type { Long } from '@grpc/proto-loader';

export interface Ban {
  'kind'?: (_mqp_auth_v1_BanKind);
  'value'?: (string);
  'untilMs'?: (number | string | Long);
  'reason'?: (string);
  'source'?: (string);
  '_untilMs'?: "untilMs";
}

export interface Ban__Output {
  'kind': (_mqp_auth_v1_BanKind__Output);
  'value': (string);
  'untilMs'?: (number);
  'reason': (string);
  'source': (string);
  '_untilMs'?: "untilMs";
}
