// Original file: libs/contracts/proto/mqp/session/v1/session.proto

import type { HandOver as _mqp_session_v1_HandOver, HandOver__Output as _mqp_session_v1_HandOver__Output } from '../../../mqp/session/v1/HandOver';

export interface ResumeResponse {
  'handOver'?: (_mqp_session_v1_HandOver | null);
}

export interface ResumeResponse__Output {
  'handOver': (_mqp_session_v1_HandOver__Output | null);
}
