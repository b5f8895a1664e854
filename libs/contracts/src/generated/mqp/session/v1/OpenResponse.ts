// Original file: libs/contracts/proto/mqp/session/v1/session.proto

import type { Connection as _mqp_session_v1_Connection, Connection__Output as _mqp_session_v1_Connection__Output } from '../../../mqp/session/v1/Connection';

export interface OpenResponse {
  'sessionPresent'?: (boolean);
  'takenOver'?: (_mqp_session_v1_Connection | null);
}

export interface OpenResponse__Output {
  'sessionPresent': (boolean);
  'takenOver': (_mqp_session_v1_Connection__Output | null);
}
