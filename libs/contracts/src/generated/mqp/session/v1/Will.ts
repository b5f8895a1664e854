// Original file: libs/contracts/proto/mqp/session/v1/session.proto

import type { Message as _mqp_common_v1_Message, Message__Output as _mqp_common_v1_Message__Output } from '../../../mqp/common/v1/Message';

export interface Will {
  'message'?: (_mqp_common_v1_Message | null);
  'delaySeconds'?: (number);
}

export interface Will__Output {
  'message': (_mqp_common_v1_Message__Output | null);
  'delaySeconds': (number);
}
