import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Message as _mqp_common_v1_Message, Message__Output as _mqp_common_v1_Message__Output } from './mqp/common/v1/Message';
import type { MessageOrigin as _mqp_common_v1_MessageOrigin, MessageOrigin__Output as _mqp_common_v1_MessageOrigin__Output } from './mqp/common/v1/MessageOrigin';
import type { MessageProperties as _mqp_common_v1_MessageProperties, MessageProperties__Output as _mqp_common_v1_MessageProperties__Output } from './mqp/common/v1/MessageProperties';
import type { UserProperty as _mqp_common_v1_UserProperty, UserProperty__Output as _mqp_common_v1_UserProperty__Output } from './mqp/common/v1/UserProperty';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  mqp: {
    common: {
      v1: {
        Message: MessageTypeDefinition<_mqp_common_v1_Message, _mqp_common_v1_Message__Output>
        MessageOrigin: MessageTypeDefinition<_mqp_common_v1_MessageOrigin, _mqp_common_v1_MessageOrigin__Output>
        MessageProperties: MessageTypeDefinition<_mqp_common_v1_MessageProperties, _mqp_common_v1_MessageProperties__Output>
        UserProperty: MessageTypeDefinition<_mqp_common_v1_UserProperty, _mqp_common_v1_UserProperty__Output>
      }
    }
  }
}

