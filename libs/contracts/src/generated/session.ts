import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { CloseRequest as _mqp_session_v1_CloseRequest, CloseRequest__Output as _mqp_session_v1_CloseRequest__Output } from './mqp/session/v1/CloseRequest';
import type { CloseResponse as _mqp_session_v1_CloseResponse, CloseResponse__Output as _mqp_session_v1_CloseResponse__Output } from './mqp/session/v1/CloseResponse';
import type { Connection as _mqp_session_v1_Connection, Connection__Output as _mqp_session_v1_Connection__Output } from './mqp/session/v1/Connection';
import type { ListRequest as _mqp_session_v1_ListRequest, ListRequest__Output as _mqp_session_v1_ListRequest__Output } from './mqp/session/v1/ListRequest';
import type { ListResponse as _mqp_session_v1_ListResponse, ListResponse__Output as _mqp_session_v1_ListResponse__Output } from './mqp/session/v1/ListResponse';
import type { OpenRequest as _mqp_session_v1_OpenRequest, OpenRequest__Output as _mqp_session_v1_OpenRequest__Output } from './mqp/session/v1/OpenRequest';
import type { OpenResponse as _mqp_session_v1_OpenResponse, OpenResponse__Output as _mqp_session_v1_OpenResponse__Output } from './mqp/session/v1/OpenResponse';
import type { ResetGatewayRequest as _mqp_session_v1_ResetGatewayRequest, ResetGatewayRequest__Output as _mqp_session_v1_ResetGatewayRequest__Output } from './mqp/session/v1/ResetGatewayRequest';
import type { ResetGatewayResponse as _mqp_session_v1_ResetGatewayResponse, ResetGatewayResponse__Output as _mqp_session_v1_ResetGatewayResponse__Output } from './mqp/session/v1/ResetGatewayResponse';
import type { SessionClient as _mqp_session_v1_SessionClient, SessionDefinition as _mqp_session_v1_SessionDefinition } from './mqp/session/v1/Session';
import type { SessionInfo as _mqp_session_v1_SessionInfo, SessionInfo__Output as _mqp_session_v1_SessionInfo__Output } from './mqp/session/v1/SessionInfo';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  mqp: {
    session: {
      v1: {
        CloseRequest: MessageTypeDefinition<_mqp_session_v1_CloseRequest, _mqp_session_v1_CloseRequest__Output>
        CloseResponse: MessageTypeDefinition<_mqp_session_v1_CloseResponse, _mqp_session_v1_CloseResponse__Output>
        Connection: MessageTypeDefinition<_mqp_session_v1_Connection, _mqp_session_v1_Connection__Output>
        ListRequest: MessageTypeDefinition<_mqp_session_v1_ListRequest, _mqp_session_v1_ListRequest__Output>
        ListResponse: MessageTypeDefinition<_mqp_session_v1_ListResponse, _mqp_session_v1_ListResponse__Output>
        OpenRequest: MessageTypeDefinition<_mqp_session_v1_OpenRequest, _mqp_session_v1_OpenRequest__Output>
        OpenResponse: MessageTypeDefinition<_mqp_session_v1_OpenResponse, _mqp_session_v1_OpenResponse__Output>
        ResetGatewayRequest: MessageTypeDefinition<_mqp_session_v1_ResetGatewayRequest, _mqp_session_v1_ResetGatewayRequest__Output>
        ResetGatewayResponse: MessageTypeDefinition<_mqp_session_v1_ResetGatewayResponse, _mqp_session_v1_ResetGatewayResponse__Output>
        Session: SubtypeConstructor<typeof grpc.Client, _mqp_session_v1_SessionClient> & { service: _mqp_session_v1_SessionDefinition }
        SessionInfo: MessageTypeDefinition<_mqp_session_v1_SessionInfo, _mqp_session_v1_SessionInfo__Output>
      }
    }
  }
}

