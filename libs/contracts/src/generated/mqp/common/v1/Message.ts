// Original file: libs/contracts/proto/mqp/common/v1/message.proto

import type { MessageProperties as _mqp_common_v1_MessageProperties, MessageProperties__Output as _mqp_common_v1_MessageProperties__Output } from '../../../mqp/common/v1/MessageProperties';
import type { MessageOrigin as _mqp_common_v1_MessageOrigin, MessageOrigin__Output as _mqp_common_v1_MessageOrigin__Output } from '../../../mqp/common/v1/MessageOrigin';

export interface Message {
  'id'?: (string);
  'topic'?: (string);
  'payload'?: (Buffer | Uint8Array | string);
  'qos'?: (number);
  'retain'?: (boolean);
  'properties'?: (_mqp_common_v1_MessageProperties | null);
  'origin'?: (_mqp_common_v1_MessageOrigin | null);
  'createdAt'?: (number | string);
  'expiresAt'?: (number | string);
  '_expiresAt'?: "expiresAt";
}

export interface Message__Output {
  'id': (string);
  'topic': (string);
  'payload': (Buffer);
  'qos': (number);
  'retain': (boolean);
  'properties': (_mqp_common_v1_MessageProperties__Output | null);
  'origin': (_mqp_common_v1_MessageOrigin__Output | null);
  'createdAt': (number);
  'expiresAt'?: (number);
  '_expiresAt'?: "expiresAt";
}
