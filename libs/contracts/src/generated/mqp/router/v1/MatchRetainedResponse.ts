// Original file: libs/contracts/proto/mqp/router/v1/router.proto

import type { Message as _mqp_common_v1_Message, Message__Output as _mqp_common_v1_Message__Output } from '../../../mqp/common/v1/Message';

export interface MatchRetainedResponse {
  'messages'?: (_mqp_common_v1_Message)[];
}

export interface MatchRetainedResponse__Output {
  'messages': (_mqp_common_v1_Message__Output)[];
}
