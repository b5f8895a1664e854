// Original file: libs/contracts/proto/mqp/router/v1/router.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AddRoutesRequest as _mqp_router_v1_AddRoutesRequest, AddRoutesRequest__Output as _mqp_router_v1_AddRoutesRequest__Output } from '../../../mqp/router/v1/AddRoutesRequest';
import type { AddRoutesResponse as _mqp_router_v1_AddRoutesResponse, AddRoutesResponse__Output as _mqp_router_v1_AddRoutesResponse__Output } from '../../../mqp/router/v1/AddRoutesResponse';
import type { ListRoutesRequest as _mqp_router_v1_ListRoutesRequest, ListRoutesRequest__Output as _mqp_router_v1_ListRoutesRequest__Output } from '../../../mqp/router/v1/ListRoutesRequest';
import type { ListRoutesResponse as _mqp_router_v1_ListRoutesResponse, ListRoutesResponse__Output as _mqp_router_v1_ListRoutesResponse__Output } from '../../../mqp/router/v1/ListRoutesResponse';
import type { MatchRetainedRequest as _mqp_router_v1_MatchRetainedRequest, MatchRetainedRequest__Output as _mqp_router_v1_MatchRetainedRequest__Output } from '../../../mqp/router/v1/MatchRetainedRequest';
import type { MatchRetainedResponse as _mqp_router_v1_MatchRetainedResponse, MatchRetainedResponse__Output as _mqp_router_v1_MatchRetainedResponse__Output } from '../../../mqp/router/v1/MatchRetainedResponse';
import type { RemoveRoutesRequest as _mqp_router_v1_RemoveRoutesRequest, RemoveRoutesRequest__Output as _mqp_router_v1_RemoveRoutesRequest__Output } from '../../../mqp/router/v1/RemoveRoutesRequest';
import type { RemoveRoutesResponse as _mqp_router_v1_RemoveRoutesResponse, RemoveRoutesResponse__Output as _mqp_router_v1_RemoveRoutesResponse__Output } from '../../../mqp/router/v1/RemoveRoutesResponse';
import type { ResetGatewayRequest as _mqp_router_v1_ResetGatewayRequest, ResetGatewayRequest__Output as _mqp_router_v1_ResetGatewayRequest__Output } from '../../../mqp/router/v1/ResetGatewayRequest';
import type { ResetGatewayResponse as _mqp_router_v1_ResetGatewayResponse, ResetGatewayResponse__Output as _mqp_router_v1_ResetGatewayResponse__Output } from '../../../mqp/router/v1/ResetGatewayResponse';
import type { RetainRequest as _mqp_router_v1_RetainRequest, RetainRequest__Output as _mqp_router_v1_RetainRequest__Output } from '../../../mqp/router/v1/RetainRequest';
import type { RetainResponse as _mqp_router_v1_RetainResponse, RetainResponse__Output as _mqp_router_v1_RetainResponse__Output } from '../../../mqp/router/v1/RetainResponse';

export interface RouterClient extends grpc.Client {
  AddRoutes(argument: _mqp_router_v1_AddRoutesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_router_v1_AddRoutesResponse__Output>): grpc.ClientUnaryCall;
  AddRoutes(argument: _mqp_router_v1_AddRoutesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_router_v1_AddRoutesResponse__Output>): grpc.ClientUnaryCall;
  AddRoutes(argument: _mqp_router_v1_AddRoutesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_router_v1_AddRoutesResponse__Output>): grpc.ClientUnaryCall;
  AddRoutes(argument: _mqp_router_v1_AddRoutesRequest, callback: grpc.requestCallback<_mqp_router_v1_AddRoutesResponse__Output>): grpc.ClientUnaryCall;
  addRoutes(argument: _mqp_router_v1_AddRoutesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_router_v1_AddRoutesResponse__Output>): grpc.ClientUnaryCall;
  addRoutes(argument: _mqp_router_v1_AddRoutesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_router_v1_AddRoutesResponse__Output>): grpc.ClientUnaryCall;
  addRoutes(argument: _mqp_router_v1_AddRoutesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_router_v1_AddRoutesResponse__Output>): grpc.ClientUnaryCall;
  addRoutes(argument: _mqp_router_v1_AddRoutesRequest, callback: grpc.requestCallback<_mqp_router_v1_AddRoutesResponse__Output>): grpc.ClientUnaryCall;
  
  ListRoutes(argument: _mqp_router_v1_ListRoutesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_router_v1_ListRoutesResponse__Output>): grpc.ClientUnaryCall;
  ListRoutes(argument: _mqp_router_v1_ListRoutesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_router_v1_ListRoutesResponse__Output>): grpc.ClientUnaryCall;
  ListRoutes(argument: _mqp_router_v1_ListRoutesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_router_v1_ListRoutesResponse__Output>): grpc.ClientUnaryCall;
  ListRoutes(argument: _mqp_router_v1_ListRoutesRequest, callback: grpc.requestCallback<_mqp_router_v1_ListRoutesResponse__Output>): grpc.ClientUnaryCall;
  listRoutes(argument: _mqp_router_v1_ListRoutesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_router_v1_ListRoutesResponse__Output>): grpc.ClientUnaryCall;
  listRoutes(argument: _mqp_router_v1_ListRoutesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_router_v1_ListRoutesResponse__Output>): grpc.ClientUnaryCall;
  listRoutes(argument: _mqp_router_v1_ListRoutesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_router_v1_ListRoutesResponse__Output>): grpc.ClientUnaryCall;
  listRoutes(argument: _mqp_router_v1_ListRoutesRequest, callback: grpc.requestCallback<_mqp_router_v1_ListRoutesResponse__Output>): grpc.ClientUnaryCall;
  
  MatchRetained(argument: _mqp_router_v1_MatchRetainedRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_router_v1_MatchRetainedResponse__Output>): grpc.ClientUnaryCall;
  MatchRetained(argument: _mqp_router_v1_MatchRetainedRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_router_v1_MatchRetainedResponse__Output>): grpc.ClientUnaryCall;
  MatchRetained(argument: _mqp_router_v1_MatchRetainedRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_router_v1_MatchRetainedResponse__Output>): grpc.ClientUnaryCall;
  MatchRetained(argument: _mqp_router_v1_MatchRetainedRequest, callback: grpc.requestCallback<_mqp_router_v1_MatchRetainedResponse__Output>): grpc.ClientUnaryCall;
  matchRetained(argument: _mqp_router_v1_MatchRetainedRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_router_v1_MatchRetainedResponse__Output>): grpc.ClientUnaryCall;
  matchRetained(argument: _mqp_router_v1_MatchRetainedRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_router_v1_MatchRetainedResponse__Output>): grpc.ClientUnaryCall;
  matchRetained(argument: _mqp_router_v1_MatchRetainedRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_router_v1_MatchRetainedResponse__Output>): grpc.ClientUnaryCall;
  matchRetained(argument: _mqp_router_v1_MatchRetainedRequest, callback: grpc.requestCallback<_mqp_router_v1_MatchRetainedResponse__Output>): grpc.ClientUnaryCall;
  
  RemoveRoutes(argument: _mqp_router_v1_RemoveRoutesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_router_v1_RemoveRoutesResponse__Output>): grpc.ClientUnaryCall;
  RemoveRoutes(argument: _mqp_router_v1_RemoveRoutesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_router_v1_RemoveRoutesResponse__Output>): grpc.ClientUnaryCall;
  RemoveRoutes(argument: _mqp_router_v1_RemoveRoutesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_router_v1_RemoveRoutesResponse__Output>): grpc.ClientUnaryCall;
  RemoveRoutes(argument: _mqp_router_v1_RemoveRoutesRequest, callback: grpc.requestCallback<_mqp_router_v1_RemoveRoutesResponse__Output>): grpc.ClientUnaryCall;
  removeRoutes(argument: _mqp_router_v1_RemoveRoutesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_router_v1_RemoveRoutesResponse__Output>): grpc.ClientUnaryCall;
  removeRoutes(argument: _mqp_router_v1_RemoveRoutesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_router_v1_RemoveRoutesResponse__Output>): grpc.ClientUnaryCall;
  removeRoutes(argument: _mqp_router_v1_RemoveRoutesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_router_v1_RemoveRoutesResponse__Output>): grpc.ClientUnaryCall;
  removeRoutes(argument: _mqp_router_v1_RemoveRoutesRequest, callback: grpc.requestCallback<_mqp_router_v1_RemoveRoutesResponse__Output>): grpc.ClientUnaryCall;
  
  ResetGateway(argument: _mqp_router_v1_ResetGatewayRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_router_v1_ResetGatewayResponse__Output>): grpc.ClientUnaryCall;
  ResetGateway(argument: _mqp_router_v1_ResetGatewayRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_router_v1_ResetGatewayResponse__Output>): grpc.ClientUnaryCall;
  ResetGateway(argument: _mqp_router_v1_ResetGatewayRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_router_v1_ResetGatewayResponse__Output>): grpc.ClientUnaryCall;
  ResetGateway(argument: _mqp_router_v1_ResetGatewayRequest, callback: grpc.requestCallback<_mqp_router_v1_ResetGatewayResponse__Output>): grpc.ClientUnaryCall;
  resetGateway(argument: _mqp_router_v1_ResetGatewayRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_router_v1_ResetGatewayResponse__Output>): grpc.ClientUnaryCall;
  resetGateway(argument: _mqp_router_v1_ResetGatewayRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_router_v1_ResetGatewayResponse__Output>): grpc.ClientUnaryCall;
  resetGateway(argument: _mqp_router_v1_ResetGatewayRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_router_v1_ResetGatewayResponse__Output>): grpc.ClientUnaryCall;
  resetGateway(argument: _mqp_router_v1_ResetGatewayRequest, callback: grpc.requestCallback<_mqp_router_v1_ResetGatewayResponse__Output>): grpc.ClientUnaryCall;
  
  Retain(argument: _mqp_router_v1_RetainRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_router_v1_RetainResponse__Output>): grpc.ClientUnaryCall;
  Retain(argument: _mqp_router_v1_RetainRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_router_v1_RetainResponse__Output>): grpc.ClientUnaryCall;
  Retain(argument: _mqp_router_v1_RetainRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_router_v1_RetainResponse__Output>): grpc.ClientUnaryCall;
  Retain(argument: _mqp_router_v1_RetainRequest, callback: grpc.requestCallback<_mqp_router_v1_RetainResponse__Output>): grpc.ClientUnaryCall;
  retain(argument: _mqp_router_v1_RetainRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_router_v1_RetainResponse__Output>): grpc.ClientUnaryCall;
  retain(argument: _mqp_router_v1_RetainRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_router_v1_RetainResponse__Output>): grpc.ClientUnaryCall;
  retain(argument: _mqp_router_v1_RetainRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_router_v1_RetainResponse__Output>): grpc.ClientUnaryCall;
  retain(argument: _mqp_router_v1_RetainRequest, callback: grpc.requestCallback<_mqp_router_v1_RetainResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface RouterHandlers extends grpc.UntypedServiceImplementation {
  AddRoutes: grpc.handleUnaryCall<_mqp_router_v1_AddRoutesRequest__Output, _mqp_router_v1_AddRoutesResponse>;
  
  ListRoutes: grpc.handleUnaryCall<_mqp_router_v1_ListRoutesRequest__Output, _mqp_router_v1_ListRoutesResponse>;
  
  MatchRetained: grpc.handleUnaryCall<_mqp_router_v1_MatchRetainedRequest__Output, _mqp_router_v1_MatchRetainedResponse>;
  
  RemoveRoutes: grpc.handleUnaryCall<_mqp_router_v1_RemoveRoutesRequest__Output, _mqp_router_v1_RemoveRoutesResponse>;
  
  ResetGateway: grpc.handleUnaryCall<_mqp_router_v1_ResetGatewayRequest__Output, _mqp_router_v1_ResetGatewayResponse>;
  
  Retain: grpc.handleUnaryCall<_mqp_router_v1_RetainRequest__Output, _mqp_router_v1_RetainResponse>;
  
}

export interface RouterDefinition extends grpc.ServiceDefinition {
  AddRoutes: MethodDefinition<_mqp_router_v1_AddRoutesRequest, _mqp_router_v1_AddRoutesResponse, _mqp_router_v1_AddRoutesRequest__Output, _mqp_router_v1_AddRoutesResponse__Output>
  ListRoutes: MethodDefinition<_mqp_router_v1_ListRoutesRequest, _mqp_router_v1_ListRoutesResponse, _mqp_router_v1_ListRoutesRequest__Output, _mqp_router_v1_ListRoutesResponse__Output>
  MatchRetained: MethodDefinition<_mqp_router_v1_MatchRetainedRequest, _mqp_router_v1_MatchRetainedResponse, _mqp_router_v1_MatchRetainedRequest__Output, _mqp_router_v1_MatchRetainedResponse__Output>
  RemoveRoutes: MethodDefinition<_mqp_router_v1_RemoveRoutesRequest, _mqp_router_v1_RemoveRoutesResponse, _mqp_router_v1_RemoveRoutesRequest__Output, _mqp_router_v1_RemoveRoutesResponse__Output>
  ResetGateway: MethodDefinition<_mqp_router_v1_ResetGatewayRequest, _mqp_router_v1_ResetGatewayResponse, _mqp_router_v1_ResetGatewayRequest__Output, _mqp_router_v1_ResetGatewayResponse__Output>
  Retain: MethodDefinition<_mqp_router_v1_RetainRequest, _mqp_router_v1_RetainResponse, _mqp_router_v1_RetainRequest__Output, _mqp_router_v1_RetainResponse__Output>
}
