// Original file: libs/contracts/proto/mqp/auth/v1/auth.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AuthenticateRequest as _mqp_auth_v1_AuthenticateRequest, AuthenticateRequest__Output as _mqp_auth_v1_AuthenticateRequest__Output } from '../../../mqp/auth/v1/AuthenticateRequest';
import type { AuthenticateResponse as _mqp_auth_v1_AuthenticateResponse, AuthenticateResponse__Output as _mqp_auth_v1_AuthenticateResponse__Output } from '../../../mqp/auth/v1/AuthenticateResponse';
import type { AuthorizeRequest as _mqp_auth_v1_AuthorizeRequest, AuthorizeRequest__Output as _mqp_auth_v1_AuthorizeRequest__Output } from '../../../mqp/auth/v1/AuthorizeRequest';
import type { AuthorizeResponse as _mqp_auth_v1_AuthorizeResponse, AuthorizeResponse__Output as _mqp_auth_v1_AuthorizeResponse__Output } from '../../../mqp/auth/v1/AuthorizeResponse';

export interface AuthClient extends grpc.Client {
  Authenticate(argument: _mqp_auth_v1_AuthenticateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_AuthenticateResponse__Output>): grpc.ClientUnaryCall;
  Authenticate(argument: _mqp_auth_v1_AuthenticateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_auth_v1_AuthenticateResponse__Output>): grpc.ClientUnaryCall;
  Authenticate(argument: _mqp_auth_v1_AuthenticateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_AuthenticateResponse__Output>): grpc.ClientUnaryCall;
  Authenticate(argument: _mqp_auth_v1_AuthenticateRequest, callback: grpc.requestCallback<_mqp_auth_v1_AuthenticateResponse__Output>): grpc.ClientUnaryCall;
  authenticate(argument: _mqp_auth_v1_AuthenticateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_AuthenticateResponse__Output>): grpc.ClientUnaryCall;
  authenticate(argument: _mqp_auth_v1_AuthenticateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_auth_v1_AuthenticateResponse__Output>): grpc.ClientUnaryCall;
  authenticate(argument: _mqp_auth_v1_AuthenticateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_AuthenticateResponse__Output>): grpc.ClientUnaryCall;
  authenticate(argument: _mqp_auth_v1_AuthenticateRequest, callback: grpc.requestCallback<_mqp_auth_v1_AuthenticateResponse__Output>): grpc.ClientUnaryCall;
  
  Authorize(argument: _mqp_auth_v1_AuthorizeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  Authorize(argument: _mqp_auth_v1_AuthorizeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_auth_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  Authorize(argument: _mqp_auth_v1_AuthorizeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  Authorize(argument: _mqp_auth_v1_AuthorizeRequest, callback: grpc.requestCallback<_mqp_auth_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  authorize(argument: _mqp_auth_v1_AuthorizeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  authorize(argument: _mqp_auth_v1_AuthorizeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_auth_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  authorize(argument: _mqp_auth_v1_AuthorizeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  authorize(argument: _mqp_auth_v1_AuthorizeRequest, callback: grpc.requestCallback<_mqp_auth_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface AuthHandlers extends grpc.UntypedServiceImplementation {
  Authenticate: grpc.handleUnaryCall<_mqp_auth_v1_AuthenticateRequest__Output, _mqp_auth_v1_AuthenticateResponse>;
  
  Authorize: grpc.handleUnaryCall<_mqp_auth_v1_AuthorizeRequest__Output, _mqp_auth_v1_AuthorizeResponse>;
  
}

export interface AuthDefinition extends grpc.ServiceDefinition {
  Authenticate: MethodDefinition<_mqp_auth_v1_AuthenticateRequest, _mqp_auth_v1_AuthenticateResponse, _mqp_auth_v1_AuthenticateRequest__Output, _mqp_auth_v1_AuthenticateResponse__Output>
  Authorize: MethodDefinition<_mqp_auth_v1_AuthorizeRequest, _mqp_auth_v1_AuthorizeResponse, _mqp_auth_v1_AuthorizeRequest__Output, _mqp_auth_v1_AuthorizeResponse__Output>
}
