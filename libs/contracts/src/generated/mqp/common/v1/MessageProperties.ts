// Original file: libs/contracts/proto/mqp/common/v1/message.proto

import type { UserProperty as _mqp_common_v1_UserProperty, UserProperty__Output as _mqp_common_v1_UserProperty__Output } from '../../../mqp/common/v1/UserProperty';

export interface MessageProperties {
  'payloadFormatIndicator'?: (boolean);
  'messageExpiryInterval'?: (number);
  'contentType'?: (string);
  'responseTopic'?: (string);
  'correlationData'?: (Buffer | Uint8Array | string);
  'userProperties'?: (_mqp_common_v1_UserProperty)[];
  '_payloadFormatIndicator'?: "payloadFormatIndicator";
  '_messageExpiryInterval'?: "messageExpiryInterval";
  '_contentType'?: "contentType";
  '_responseTopic'?: "responseTopic";
  '_correlationData'?: "correlationData";
}

export interface MessageProperties__Output {
  'payloadFormatIndicator'?: (boolean);
  'messageExpiryInterval'?: (number);
  'contentType'?: (string);
  'responseTopic'?: (string);
  'correlationData'?: (Buffer);
  'userProperties': (_mqp_common_v1_UserProperty__Output)[];
  '_payloadFormatIndicator'?: "payloadFormatIndicator";
  '_messageExpiryInterval'?: "messageExpiryInterval";
  '_contentType'?: "contentType";
  '_responseTopic'?: "responseTopic";
  '_correlationData'?: "correlationData";
}
