// Original file: libs/contracts/proto/mqp/session/v1/session.proto

import type { Message as _mqp_common_v1_Message, Message__Output as _mqp_common_v1_Message__Output } from '../../../mqp/common/v1/Message';

export interface SessionMessage {
  'message'?: (_mqp_common_v1_Message | null);
  'qos'?: (number);
  'packetId'?: (number);
  'released'?: (boolean);
}

export interface SessionMessage__Output {
  'message': (_mqp_common_v1_Message__Output | null);
  'qos': (number);
  'packetId': (number);
  'released': (boolean);
}
