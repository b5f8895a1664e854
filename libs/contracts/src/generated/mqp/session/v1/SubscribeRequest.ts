// Original file: libs/contracts/proto/mqp/session/v1/session.proto

import type { Subscription as _mqp_session_v1_Subscription, Subscription__Output as _mqp_session_v1_Subscription__Output } from '../../../mqp/session/v1/Subscription';

export interface SubscribeRequest {
  'clientId'?: (string);
  'connectionId'?: (string);
  'subscriptions'?: (_mqp_session_v1_Subscription)[];
}

export interface SubscribeRequest__Output {
  'clientId': (string);
  'connectionId': (string);
  'subscriptions': (_mqp_session_v1_Subscription__Output)[];
}
