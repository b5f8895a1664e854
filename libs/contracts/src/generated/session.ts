import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Message as _mqp_common_v1_Message, Message__Output as _mqp_common_v1_Message__Output } from './mqp/common/v1/Message';
import type { MessageOrigin as _mqp_common_v1_MessageOrigin, MessageOrigin__Output as _mqp_common_v1_MessageOrigin__Output } from './mqp/common/v1/MessageOrigin';
import type { MessageProperties as _mqp_common_v1_MessageProperties, MessageProperties__Output as _mqp_common_v1_MessageProperties__Output } from './mqp/common/v1/MessageProperties';
import type { UserProperty as _mqp_common_v1_UserProperty, UserProperty__Output as _mqp_common_v1_UserProperty__Output } from './mqp/common/v1/UserProperty';
import type { CloseRequest as _mqp_session_v1_CloseRequest, CloseRequest__Output as _mqp_session_v1_CloseRequest__Output } from './mqp/session/v1/CloseRequest';
import type { CloseResponse as _mqp_session_v1_CloseResponse, CloseResponse__Output as _mqp_session_v1_CloseResponse__Output } from './mqp/session/v1/CloseResponse';
import type { Connection as _mqp_session_v1_Connection, Connection__Output as _mqp_session_v1_Connection__Output } from './mqp/session/v1/Connection';
import type { HandOver as _mqp_session_v1_HandOver, HandOver__Output as _mqp_session_v1_HandOver__Output } from './mqp/session/v1/HandOver';
import type { ListRequest as _mqp_session_v1_ListRequest, ListRequest__Output as _mqp_session_v1_ListRequest__Output } from './mqp/session/v1/ListRequest';
import type { ListResponse as _mqp_session_v1_ListResponse, ListResponse__Output as _mqp_session_v1_ListResponse__Output } from './mqp/session/v1/ListResponse';
import type { OpenRequest as _mqp_session_v1_OpenRequest, OpenRequest__Output as _mqp_session_v1_OpenRequest__Output } from './mqp/session/v1/OpenRequest';
import type { OpenResponse as _mqp_session_v1_OpenResponse, OpenResponse__Output as _mqp_session_v1_OpenResponse__Output } from './mqp/session/v1/OpenResponse';
import type { ResetGatewayRequest as _mqp_session_v1_ResetGatewayRequest, ResetGatewayRequest__Output as _mqp_session_v1_ResetGatewayRequest__Output } from './mqp/session/v1/ResetGatewayRequest';
import type { ResetGatewayResponse as _mqp_session_v1_ResetGatewayResponse, ResetGatewayResponse__Output as _mqp_session_v1_ResetGatewayResponse__Output } from './mqp/session/v1/ResetGatewayResponse';
import type { ResumeRequest as _mqp_session_v1_ResumeRequest, ResumeRequest__Output as _mqp_session_v1_ResumeRequest__Output } from './mqp/session/v1/ResumeRequest';
import type { ResumeResponse as _mqp_session_v1_ResumeResponse, ResumeResponse__Output as _mqp_session_v1_ResumeResponse__Output } from './mqp/session/v1/ResumeResponse';
import type { SessionClient as _mqp_session_v1_SessionClient, SessionDefinition as _mqp_session_v1_SessionDefinition } from './mqp/session/v1/Session';
import type { SessionInfo as _mqp_session_v1_SessionInfo, SessionInfo__Output as _mqp_session_v1_SessionInfo__Output } from './mqp/session/v1/SessionInfo';
import type { SessionMessage as _mqp_session_v1_SessionMessage, SessionMessage__Output as _mqp_session_v1_SessionMessage__Output } from './mqp/session/v1/SessionMessage';
import type { SubscribeRequest as _mqp_session_v1_SubscribeRequest, SubscribeRequest__Output as _mqp_session_v1_SubscribeRequest__Output } from './mqp/session/v1/SubscribeRequest';
import type { SubscribeResponse as _mqp_session_v1_SubscribeResponse, SubscribeResponse__Output as _mqp_session_v1_SubscribeResponse__Output } from './mqp/session/v1/SubscribeResponse';
import type { Subscription as _mqp_session_v1_Subscription, Subscription__Output as _mqp_session_v1_Subscription__Output } from './mqp/session/v1/Subscription';
import type { SuspendRequest as _mqp_session_v1_SuspendRequest, SuspendRequest__Output as _mqp_session_v1_SuspendRequest__Output } from './mqp/session/v1/SuspendRequest';
import type { SuspendResponse as _mqp_session_v1_SuspendResponse, SuspendResponse__Output as _mqp_session_v1_SuspendResponse__Output } from './mqp/session/v1/SuspendResponse';
import type { UnsubscribeRequest as _mqp_session_v1_UnsubscribeRequest, UnsubscribeRequest__Output as _mqp_session_v1_UnsubscribeRequest__Output } from './mqp/session/v1/UnsubscribeRequest';
import type { UnsubscribeResponse as _mqp_session_v1_UnsubscribeResponse, UnsubscribeResponse__Output as _mqp_session_v1_UnsubscribeResponse__Output } from './mqp/session/v1/UnsubscribeResponse';
import type { Will as _mqp_session_v1_Will, Will__Output as _mqp_session_v1_Will__Output } from './mqp/session/v1/Will';

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
    session: {
      v1: {
        CloseRequest: MessageTypeDefinition<_mqp_session_v1_CloseRequest, _mqp_session_v1_CloseRequest__Output>
        CloseResponse: MessageTypeDefinition<_mqp_session_v1_CloseResponse, _mqp_session_v1_CloseResponse__Output>
        Connection: MessageTypeDefinition<_mqp_session_v1_Connection, _mqp_session_v1_Connection__Output>
        HandOver: MessageTypeDefinition<_mqp_session_v1_HandOver, _mqp_session_v1_HandOver__Output>
        ListRequest: MessageTypeDefinition<_mqp_session_v1_ListRequest, _mqp_session_v1_ListRequest__Output>
        ListResponse: MessageTypeDefinition<_mqp_session_v1_ListResponse, _mqp_session_v1_ListResponse__Output>
        OpenRequest: MessageTypeDefinition<_mqp_session_v1_OpenRequest, _mqp_session_v1_OpenRequest__Output>
        OpenResponse: MessageTypeDefinition<_mqp_session_v1_OpenResponse, _mqp_session_v1_OpenResponse__Output>
        ResetGatewayRequest: MessageTypeDefinition<_mqp_session_v1_ResetGatewayRequest, _mqp_session_v1_ResetGatewayRequest__Output>
        ResetGatewayResponse: MessageTypeDefinition<_mqp_session_v1_ResetGatewayResponse, _mqp_session_v1_ResetGatewayResponse__Output>
        ResumeRequest: MessageTypeDefinition<_mqp_session_v1_ResumeRequest, _mqp_session_v1_ResumeRequest__Output>
        ResumeResponse: MessageTypeDefinition<_mqp_session_v1_ResumeResponse, _mqp_session_v1_ResumeResponse__Output>
        Session: SubtypeConstructor<typeof grpc.Client, _mqp_session_v1_SessionClient> & { service: _mqp_session_v1_SessionDefinition }
        SessionInfo: MessageTypeDefinition<_mqp_session_v1_SessionInfo, _mqp_session_v1_SessionInfo__Output>
        SessionMessage: MessageTypeDefinition<_mqp_session_v1_SessionMessage, _mqp_session_v1_SessionMessage__Output>
        SubscribeRequest: MessageTypeDefinition<_mqp_session_v1_SubscribeRequest, _mqp_session_v1_SubscribeRequest__Output>
        SubscribeResponse: MessageTypeDefinition<_mqp_session_v1_SubscribeResponse, _mqp_session_v1_SubscribeResponse__Output>
        Subscription: MessageTypeDefinition<_mqp_session_v1_Subscription, _mqp_session_v1_Subscription__Output>
        SuspendRequest: MessageTypeDefinition<_mqp_session_v1_SuspendRequest, _mqp_session_v1_SuspendRequest__Output>
        SuspendResponse: MessageTypeDefinition<_mqp_session_v1_SuspendResponse, _mqp_session_v1_SuspendResponse__Output>
        UnsubscribeRequest: MessageTypeDefinition<_mqp_session_v1_UnsubscribeRequest, _mqp_session_v1_UnsubscribeRequest__Output>
        UnsubscribeResponse: MessageTypeDefinition<_mqp_session_v1_UnsubscribeResponse, _mqp_session_v1_UnsubscribeResponse__Output>
        Will: MessageTypeDefinition<_mqp_session_v1_Will, _mqp_session_v1_Will__Output>
      }
    }
  }
}

