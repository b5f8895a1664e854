// Original file: libs/contracts/proto/mqp/router/v1/router.proto

import type { Message as _mqp_common_v1_Message, Message__Output as _mqp_common_v1_Message__Output } from '../../../mqp/common/v1/Message';

export interface RetainRequest {
  'message'?: (_mqp_common_v1_Message | null);
}

export interface RetainRequest__Output {
  'message': (_mqp_common_v1_Message__Output | null);
}
