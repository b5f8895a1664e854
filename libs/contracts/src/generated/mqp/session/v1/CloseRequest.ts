// Original file: libs/contracts/proto/mqp/session/v1/session.proto

import type { HandOver as _mqp_session_v1_HandOver, HandOver__Output as _mqp_session_v1_HandOver__Output } from '../../../mqp/session/v1/HandOver';
import type { Will as _mqp_session_v1_Will, Will__Output as _mqp_session_v1_Will__Output } from '../../../mqp/session/v1/Will';

export interface CloseRequest {
  'clientId'?: (string);
  'connectionId'?: (string);
  'handOver'?: (_mqp_session_v1_HandOver | null);
  'sessionExpiryInterval'?: (number);
  'will'?: (_mqp_session_v1_Will | null);
  '_sessionExpiryInterval'?: "sessionExpiryInterval";
}

export interface CloseRequest__Output {
  'clientId': (string);
  'connectionId': (string);
  'handOver': (_mqp_session_v1_HandOver__Output | null);
  'sessionExpiryInterval'?: (number);
  'will': (_mqp_session_v1_Will__Output | null);
  '_sessionExpiryInterval'?: "sessionExpiryInterval";
}
