// Original file: libs/contracts/proto/mqp/session/v1/session.proto

import type { SessionInfo as _mqp_session_v1_SessionInfo, SessionInfo__Output as _mqp_session_v1_SessionInfo__Output } from '../../../mqp/session/v1/SessionInfo';

export interface ListResponse {
  'sessions'?: (_mqp_session_v1_SessionInfo)[];
}

export interface ListResponse__Output {
  'sessions': (_mqp_session_v1_SessionInfo__Output)[];
}
