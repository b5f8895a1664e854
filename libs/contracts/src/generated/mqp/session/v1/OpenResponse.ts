// Original file: libs/contracts/proto/mqp/session/v1/session.proto

import type { Connection as _mqp_session_v1_Connection, Connection__Output as _mqp_session_v1_Connection__Output } from '../../../mqp/session/v1/Connection';
import type { Subscription as _mqp_session_v1_Subscription, Subscription__Output as _mqp_session_v1_Subscription__Output } from '../../../mqp/session/v1/Subscription';

export interface OpenResponse {
  'sessionPresent'?: (boolean);
  'takenOver'?: (_mqp_session_v1_Connection | null);
  'subscriptions'?: (_mqp_session_v1_Subscription)[];
}

export interface OpenResponse__Output {
  'sessionPresent': (boolean);
  'takenOver': (_mqp_session_v1_Connection__Output | null);
  'subscriptions': (_mqp_session_v1_Subscription__Output)[];
}
