// Original file: libs/contracts/proto/mqp/session/v1/session.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CloseRequest as _mqp_session_v1_CloseRequest, CloseRequest__Output as _mqp_session_v1_CloseRequest__Output } from '../../../mqp/session/v1/CloseRequest';
import type { CloseResponse as _mqp_session_v1_CloseResponse, CloseResponse__Output as _mqp_session_v1_CloseResponse__Output } from '../../../mqp/session/v1/CloseResponse';
import type { ListRequest as _mqp_session_v1_ListRequest, ListRequest__Output as _mqp_session_v1_ListRequest__Output } from '../../../mqp/session/v1/ListRequest';
import type { ListResponse as _mqp_session_v1_ListResponse, ListResponse__Output as _mqp_session_v1_ListResponse__Output } from '../../../mqp/session/v1/ListResponse';
import type { OpenRequest as _mqp_session_v1_OpenRequest, OpenRequest__Output as _mqp_session_v1_OpenRequest__Output } from '../../../mqp/session/v1/OpenRequest';
import type { OpenResponse as _mqp_session_v1_OpenResponse, OpenResponse__Output as _mqp_session_v1_OpenResponse__Output } from '../../../mqp/session/v1/OpenResponse';
import type { ResetGatewayRequest as _mqp_session_v1_ResetGatewayRequest, ResetGatewayRequest__Output as _mqp_session_v1_ResetGatewayRequest__Output } from '../../../mqp/session/v1/ResetGatewayRequest';
import type { ResetGatewayResponse as _mqp_session_v1_ResetGatewayResponse, ResetGatewayResponse__Output as _mqp_session_v1_ResetGatewayResponse__Output } from '../../../mqp/session/v1/ResetGatewayResponse';
import type { ResumeRequest as _mqp_session_v1_ResumeRequest, ResumeRequest__Output as _mqp_session_v1_ResumeRequest__Output } from '../../../mqp/session/v1/ResumeRequest';
import type { ResumeResponse as _mqp_session_v1_ResumeResponse, ResumeResponse__Output as _mqp_session_v1_ResumeResponse__Output } from '../../../mqp/session/v1/ResumeResponse';
import type { SubscribeRequest as _mqp_session_v1_SubscribeRequest, SubscribeRequest__Output as _mqp_session_v1_SubscribeRequest__Output } from '../../../mqp/session/v1/SubscribeRequest';
import type { SubscribeResponse as _mqp_session_v1_SubscribeResponse, SubscribeResponse__Output as _mqp_session_v1_SubscribeResponse__Output } from '../../../mqp/session/v1/SubscribeResponse';
import type { SuspendRequest as _mqp_session_v1_SuspendRequest, SuspendRequest__Output as _mqp_session_v1_SuspendRequest__Output } from '../../../mqp/session/v1/SuspendRequest';
import type { SuspendResponse as _mqp_session_v1_SuspendResponse, SuspendResponse__Output as _mqp_session_v1_SuspendResponse__Output } from '../../../mqp/session/v1/SuspendResponse';
import type { UnsubscribeRequest as _mqp_session_v1_UnsubscribeRequest, UnsubscribeRequest__Output as _mqp_session_v1_UnsubscribeRequest__Output } from '../../../mqp/session/v1/UnsubscribeRequest';
import type { UnsubscribeResponse as _mqp_session_v1_UnsubscribeResponse, UnsubscribeResponse__Output as _mqp_session_v1_UnsubscribeResponse__Output } from '../../../mqp/session/v1/UnsubscribeResponse';

export interface SessionClient extends grpc.Client {
  Close(argument: _mqp_session_v1_CloseRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_session_v1_CloseResponse__Output>): grpc.ClientUnaryCall;
  Close(argument: _mqp_session_v1_CloseRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_session_v1_CloseResponse__Output>): grpc.ClientUnaryCall;
  Close(argument: _mqp_session_v1_CloseRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_session_v1_CloseResponse__Output>): grpc.ClientUnaryCall;
  Close(argument: _mqp_session_v1_CloseRequest, callback: grpc.requestCallback<_mqp_session_v1_CloseResponse__Output>): grpc.ClientUnaryCall;
  
  List(argument: _mqp_session_v1_ListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_session_v1_ListResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _mqp_session_v1_ListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_session_v1_ListResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _mqp_session_v1_ListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_session_v1_ListResponse__Output>): grpc.ClientUnaryCall;
  List(argument: _mqp_session_v1_ListRequest, callback: grpc.requestCallback<_mqp_session_v1_ListResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _mqp_session_v1_ListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_session_v1_ListResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _mqp_session_v1_ListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_session_v1_ListResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _mqp_session_v1_ListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_session_v1_ListResponse__Output>): grpc.ClientUnaryCall;
  list(argument: _mqp_session_v1_ListRequest, callback: grpc.requestCallback<_mqp_session_v1_ListResponse__Output>): grpc.ClientUnaryCall;
  
  Open(argument: _mqp_session_v1_OpenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_session_v1_OpenResponse__Output>): grpc.ClientUnaryCall;
  Open(argument: _mqp_session_v1_OpenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_session_v1_OpenResponse__Output>): grpc.ClientUnaryCall;
  Open(argument: _mqp_session_v1_OpenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_session_v1_OpenResponse__Output>): grpc.ClientUnaryCall;
  Open(argument: _mqp_session_v1_OpenRequest, callback: grpc.requestCallback<_mqp_session_v1_OpenResponse__Output>): grpc.ClientUnaryCall;
  open(argument: _mqp_session_v1_OpenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_session_v1_OpenResponse__Output>): grpc.ClientUnaryCall;
  open(argument: _mqp_session_v1_OpenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_session_v1_OpenResponse__Output>): grpc.ClientUnaryCall;
  open(argument: _mqp_session_v1_OpenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_session_v1_OpenResponse__Output>): grpc.ClientUnaryCall;
  open(argument: _mqp_session_v1_OpenRequest, callback: grpc.requestCallback<_mqp_session_v1_OpenResponse__Output>): grpc.ClientUnaryCall;
  
  ResetGateway(argument: _mqp_session_v1_ResetGatewayRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_session_v1_ResetGatewayResponse__Output>): grpc.ClientUnaryCall;
  ResetGateway(argument: _mqp_session_v1_ResetGatewayRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_session_v1_ResetGatewayResponse__Output>): grpc.ClientUnaryCall;
  ResetGateway(argument: _mqp_session_v1_ResetGatewayRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_session_v1_ResetGatewayResponse__Output>): grpc.ClientUnaryCall;
  ResetGateway(argument: _mqp_session_v1_ResetGatewayRequest, callback: grpc.requestCallback<_mqp_session_v1_ResetGatewayResponse__Output>): grpc.ClientUnaryCall;
  resetGateway(argument: _mqp_session_v1_ResetGatewayRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_session_v1_ResetGatewayResponse__Output>): grpc.ClientUnaryCall;
  resetGateway(argument: _mqp_session_v1_ResetGatewayRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_session_v1_ResetGatewayResponse__Output>): grpc.ClientUnaryCall;
  resetGateway(argument: _mqp_session_v1_ResetGatewayRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_session_v1_ResetGatewayResponse__Output>): grpc.ClientUnaryCall;
  resetGateway(argument: _mqp_session_v1_ResetGatewayRequest, callback: grpc.requestCallback<_mqp_session_v1_ResetGatewayResponse__Output>): grpc.ClientUnaryCall;
  
  Resume(argument: _mqp_session_v1_ResumeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_session_v1_ResumeResponse__Output>): grpc.ClientUnaryCall;
  Resume(argument: _mqp_session_v1_ResumeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_session_v1_ResumeResponse__Output>): grpc.ClientUnaryCall;
  Resume(argument: _mqp_session_v1_ResumeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_session_v1_ResumeResponse__Output>): grpc.ClientUnaryCall;
  Resume(argument: _mqp_session_v1_ResumeRequest, callback: grpc.requestCallback<_mqp_session_v1_ResumeResponse__Output>): grpc.ClientUnaryCall;
  resume(argument: _mqp_session_v1_ResumeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_session_v1_ResumeResponse__Output>): grpc.ClientUnaryCall;
  resume(argument: _mqp_session_v1_ResumeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_session_v1_ResumeResponse__Output>): grpc.ClientUnaryCall;
  resume(argument: _mqp_session_v1_ResumeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_session_v1_ResumeResponse__Output>): grpc.ClientUnaryCall;
  resume(argument: _mqp_session_v1_ResumeRequest, callback: grpc.requestCallback<_mqp_session_v1_ResumeResponse__Output>): grpc.ClientUnaryCall;
  
  Subscribe(argument: _mqp_session_v1_SubscribeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_session_v1_SubscribeResponse__Output>): grpc.ClientUnaryCall;
  Subscribe(argument: _mqp_session_v1_SubscribeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_session_v1_SubscribeResponse__Output>): grpc.ClientUnaryCall;
  Subscribe(argument: _mqp_session_v1_SubscribeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_session_v1_SubscribeResponse__Output>): grpc.ClientUnaryCall;
  Subscribe(argument: _mqp_session_v1_SubscribeRequest, callback: grpc.requestCallback<_mqp_session_v1_SubscribeResponse__Output>): grpc.ClientUnaryCall;
  subscribe(argument: _mqp_session_v1_SubscribeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_session_v1_SubscribeResponse__Output>): grpc.ClientUnaryCall;
  subscribe(argument: _mqp_session_v1_SubscribeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_session_v1_SubscribeResponse__Output>): grpc.ClientUnaryCall;
  subscribe(argument: _mqp_session_v1_SubscribeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_session_v1_SubscribeResponse__Output>): grpc.ClientUnaryCall;
  subscribe(argument: _mqp_session_v1_SubscribeRequest, callback: grpc.requestCallback<_mqp_session_v1_SubscribeResponse__Output>): grpc.ClientUnaryCall;
  
  Suspend(argument: _mqp_session_v1_SuspendRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_session_v1_SuspendResponse__Output>): grpc.ClientUnaryCall;
  Suspend(argument: _mqp_session_v1_SuspendRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_session_v1_SuspendResponse__Output>): grpc.ClientUnaryCall;
  Suspend(argument: _mqp_session_v1_SuspendRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_session_v1_SuspendResponse__Output>): grpc.ClientUnaryCall;
  Suspend(argument: _mqp_session_v1_SuspendRequest, callback: grpc.requestCallback<_mqp_session_v1_SuspendResponse__Output>): grpc.ClientUnaryCall;
  suspend(argument: _mqp_session_v1_SuspendRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_session_v1_SuspendResponse__Output>): grpc.ClientUnaryCall;
  suspend(argument: _mqp_session_v1_SuspendRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_session_v1_SuspendResponse__Output>): grpc.ClientUnaryCall;
  suspend(argument: _mqp_session_v1_SuspendRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_session_v1_SuspendResponse__Output>): grpc.ClientUnaryCall;
  suspend(argument: _mqp_session_v1_SuspendRequest, callback: grpc.requestCallback<_mqp_session_v1_SuspendResponse__Output>): grpc.ClientUnaryCall;
  
  Unsubscribe(argument: _mqp_session_v1_UnsubscribeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_session_v1_UnsubscribeResponse__Output>): grpc.ClientUnaryCall;
  Unsubscribe(argument: _mqp_session_v1_UnsubscribeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_session_v1_UnsubscribeResponse__Output>): grpc.ClientUnaryCall;
  Unsubscribe(argument: _mqp_session_v1_UnsubscribeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_session_v1_UnsubscribeResponse__Output>): grpc.ClientUnaryCall;
  Unsubscribe(argument: _mqp_session_v1_UnsubscribeRequest, callback: grpc.requestCallback<_mqp_session_v1_UnsubscribeResponse__Output>): grpc.ClientUnaryCall;
  unsubscribe(argument: _mqp_session_v1_UnsubscribeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_session_v1_UnsubscribeResponse__Output>): grpc.ClientUnaryCall;
  unsubscribe(argument: _mqp_session_v1_UnsubscribeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_session_v1_UnsubscribeResponse__Output>): grpc.ClientUnaryCall;
  unsubscribe(argument: _mqp_session_v1_UnsubscribeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_session_v1_UnsubscribeResponse__Output>): grpc.ClientUnaryCall;
  unsubscribe(argument: _mqp_session_v1_UnsubscribeRequest, callback: grpc.requestCallback<_mqp_session_v1_UnsubscribeResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface SessionHandlers extends grpc.UntypedServiceImplementation {
  Close: grpc.handleUnaryCall<_mqp_session_v1_CloseRequest__Output, _mqp_session_v1_CloseResponse>;
  
  List: grpc.handleUnaryCall<_mqp_session_v1_ListRequest__Output, _mqp_session_v1_ListResponse>;
  
  Open: grpc.handleUnaryCall<_mqp_session_v1_OpenRequest__Output, _mqp_session_v1_OpenResponse>;
  
  ResetGateway: grpc.handleUnaryCall<_mqp_session_v1_ResetGatewayRequest__Output, _mqp_session_v1_ResetGatewayResponse>;
  
  Resume: grpc.handleUnaryCall<_mqp_session_v1_ResumeRequest__Output, _mqp_session_v1_ResumeResponse>;
  
  Subscribe: grpc.handleUnaryCall<_mqp_session_v1_SubscribeRequest__Output, _mqp_session_v1_SubscribeResponse>;
  
  Suspend: grpc.handleUnaryCall<_mqp_session_v1_SuspendRequest__Output, _mqp_session_v1_SuspendResponse>;
  
  Unsubscribe: grpc.handleUnaryCall<_mqp_session_v1_UnsubscribeRequest__Output, _mqp_session_v1_UnsubscribeResponse>;
  
}

export interface SessionDefinition extends grpc.ServiceDefinition {
  Close: MethodDefinition<_mqp_session_v1_CloseRequest, _mqp_session_v1_CloseResponse, _mqp_session_v1_CloseRequest__Output, _mqp_session_v1_CloseResponse__Output>
  List: MethodDefinition<_mqp_session_v1_ListRequest, _mqp_session_v1_ListResponse, _mqp_session_v1_ListRequest__Output, _mqp_session_v1_ListResponse__Output>
  Open: MethodDefinition<_mqp_session_v1_OpenRequest, _mqp_session_v1_OpenResponse, _mqp_session_v1_OpenRequest__Output, _mqp_session_v1_OpenResponse__Output>
  ResetGateway: MethodDefinition<_mqp_session_v1_ResetGatewayRequest, _mqp_session_v1_ResetGatewayResponse, _mqp_session_v1_ResetGatewayRequest__Output, _mqp_session_v1_ResetGatewayResponse__Output>
  Resume: MethodDefinition<_mqp_session_v1_ResumeRequest, _mqp_session_v1_ResumeResponse, _mqp_session_v1_ResumeRequest__Output, _mqp_session_v1_ResumeResponse__Output>
  Subscribe: MethodDefinition<_mqp_session_v1_SubscribeRequest, _mqp_session_v1_SubscribeResponse, _mqp_session_v1_SubscribeRequest__Output, _mqp_session_v1_SubscribeResponse__Output>
  Suspend: MethodDefinition<_mqp_session_v1_SuspendRequest, _mqp_session_v1_SuspendResponse, _mqp_session_v1_SuspendRequest__Output, _mqp_session_v1_SuspendResponse__Output>
  Unsubscribe: MethodDefinition<_mqp_session_v1_UnsubscribeRequest, _mqp_session_v1_UnsubscribeResponse, _mqp_session_v1_UnsubscribeRequest__Output, _mqp_session_v1_UnsubscribeResponse__Output>
}
