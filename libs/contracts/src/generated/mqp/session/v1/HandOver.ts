// Original file: libs/contracts/proto/mqp/session/v1/session.proto

import type { SessionMessage as _mqp_session_v1_SessionMessage, SessionMessage__Output as _mqp_session_v1_SessionMessage__Output } from '../../../mqp/session/v1/SessionMessage';

export interface HandOver {
  'inflight'?: (_mqp_session_v1_SessionMessage)[];
  'queued'?: (_mqp_session_v1_SessionMessage)[];
  'awaitingRel'?: (number)[];
}

export interface HandOver__Output {
  'inflight': (_mqp_session_v1_SessionMessage__Output)[];
  'queued': (_mqp_session_v1_SessionMessage__Output)[];
  'awaitingRel': (number)[];
}
