// Original file: libs/contracts/proto/mqp/auth/v1/auth.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AuthenticateExchangeRequest as _mqp_auth_v1_AuthenticateExchangeRequest, AuthenticateExchangeRequest__Output as _mqp_auth_v1_AuthenticateExchangeRequest__Output } from '../../../mqp/auth/v1/AuthenticateExchangeRequest';
import type { AuthenticateExchangeResponse as _mqp_auth_v1_AuthenticateExchangeResponse, AuthenticateExchangeResponse__Output as _mqp_auth_v1_AuthenticateExchangeResponse__Output } from '../../../mqp/auth/v1/AuthenticateExchangeResponse';
import type { AuthenticateRequest as _mqp_auth_v1_AuthenticateRequest, AuthenticateRequest__Output as _mqp_auth_v1_AuthenticateRequest__Output } from '../../../mqp/auth/v1/AuthenticateRequest';
import type { AuthenticateResponse as _mqp_auth_v1_AuthenticateResponse, AuthenticateResponse__Output as _mqp_auth_v1_AuthenticateResponse__Output } from '../../../mqp/auth/v1/AuthenticateResponse';
import type { AuthorizeRequest as _mqp_auth_v1_AuthorizeRequest, AuthorizeRequest__Output as _mqp_auth_v1_AuthorizeRequest__Output } from '../../../mqp/auth/v1/AuthorizeRequest';
import type { AuthorizeResponse as _mqp_auth_v1_AuthorizeResponse, AuthorizeResponse__Output as _mqp_auth_v1_AuthorizeResponse__Output } from '../../../mqp/auth/v1/AuthorizeResponse';
import type { BanRequest as _mqp_auth_v1_BanRequest, BanRequest__Output as _mqp_auth_v1_BanRequest__Output } from '../../../mqp/auth/v1/BanRequest';
import type { BanResponse as _mqp_auth_v1_BanResponse, BanResponse__Output as _mqp_auth_v1_BanResponse__Output } from '../../../mqp/auth/v1/BanResponse';
import type { ListBansRequest as _mqp_auth_v1_ListBansRequest, ListBansRequest__Output as _mqp_auth_v1_ListBansRequest__Output } from '../../../mqp/auth/v1/ListBansRequest';
import type { ListBansResponse as _mqp_auth_v1_ListBansResponse, ListBansResponse__Output as _mqp_auth_v1_ListBansResponse__Output } from '../../../mqp/auth/v1/ListBansResponse';
import type { ReplaceAclRequest as _mqp_auth_v1_ReplaceAclRequest, ReplaceAclRequest__Output as _mqp_auth_v1_ReplaceAclRequest__Output } from '../../../mqp/auth/v1/ReplaceAclRequest';
import type { ReplaceAclResponse as _mqp_auth_v1_ReplaceAclResponse, ReplaceAclResponse__Output as _mqp_auth_v1_ReplaceAclResponse__Output } from '../../../mqp/auth/v1/ReplaceAclResponse';
import type { UnbanRequest as _mqp_auth_v1_UnbanRequest, UnbanRequest__Output as _mqp_auth_v1_UnbanRequest__Output } from '../../../mqp/auth/v1/UnbanRequest';
import type { UnbanResponse as _mqp_auth_v1_UnbanResponse, UnbanResponse__Output as _mqp_auth_v1_UnbanResponse__Output } from '../../../mqp/auth/v1/UnbanResponse';

export interface AuthClient extends grpc.Client {
  Authenticate(argument: _mqp_auth_v1_AuthenticateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_AuthenticateResponse__Output>): grpc.ClientUnaryCall;
  Authenticate(argument: _mqp_auth_v1_AuthenticateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_auth_v1_AuthenticateResponse__Output>): grpc.ClientUnaryCall;
  Authenticate(argument: _mqp_auth_v1_AuthenticateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_AuthenticateResponse__Output>): grpc.ClientUnaryCall;
  Authenticate(argument: _mqp_auth_v1_AuthenticateRequest, callback: grpc.requestCallback<_mqp_auth_v1_AuthenticateResponse__Output>): grpc.ClientUnaryCall;
  authenticate(argument: _mqp_auth_v1_AuthenticateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_AuthenticateResponse__Output>): grpc.ClientUnaryCall;
  authenticate(argument: _mqp_auth_v1_AuthenticateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_auth_v1_AuthenticateResponse__Output>): grpc.ClientUnaryCall;
  authenticate(argument: _mqp_auth_v1_AuthenticateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_AuthenticateResponse__Output>): grpc.ClientUnaryCall;
  authenticate(argument: _mqp_auth_v1_AuthenticateRequest, callback: grpc.requestCallback<_mqp_auth_v1_AuthenticateResponse__Output>): grpc.ClientUnaryCall;
  
  AuthenticateExchange(argument: _mqp_auth_v1_AuthenticateExchangeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_AuthenticateExchangeResponse__Output>): grpc.ClientUnaryCall;
  AuthenticateExchange(argument: _mqp_auth_v1_AuthenticateExchangeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_auth_v1_AuthenticateExchangeResponse__Output>): grpc.ClientUnaryCall;
  AuthenticateExchange(argument: _mqp_auth_v1_AuthenticateExchangeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_AuthenticateExchangeResponse__Output>): grpc.ClientUnaryCall;
  AuthenticateExchange(argument: _mqp_auth_v1_AuthenticateExchangeRequest, callback: grpc.requestCallback<_mqp_auth_v1_AuthenticateExchangeResponse__Output>): grpc.ClientUnaryCall;
  authenticateExchange(argument: _mqp_auth_v1_AuthenticateExchangeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_AuthenticateExchangeResponse__Output>): grpc.ClientUnaryCall;
  authenticateExchange(argument: _mqp_auth_v1_AuthenticateExchangeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_auth_v1_AuthenticateExchangeResponse__Output>): grpc.ClientUnaryCall;
  authenticateExchange(argument: _mqp_auth_v1_AuthenticateExchangeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_AuthenticateExchangeResponse__Output>): grpc.ClientUnaryCall;
  authenticateExchange(argument: _mqp_auth_v1_AuthenticateExchangeRequest, callback: grpc.requestCallback<_mqp_auth_v1_AuthenticateExchangeResponse__Output>): grpc.ClientUnaryCall;
  
  Authorize(argument: _mqp_auth_v1_AuthorizeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  Authorize(argument: _mqp_auth_v1_AuthorizeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_auth_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  Authorize(argument: _mqp_auth_v1_AuthorizeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  Authorize(argument: _mqp_auth_v1_AuthorizeRequest, callback: grpc.requestCallback<_mqp_auth_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  authorize(argument: _mqp_auth_v1_AuthorizeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  authorize(argument: _mqp_auth_v1_AuthorizeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_auth_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  authorize(argument: _mqp_auth_v1_AuthorizeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  authorize(argument: _mqp_auth_v1_AuthorizeRequest, callback: grpc.requestCallback<_mqp_auth_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  
  Ban(argument: _mqp_auth_v1_BanRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_BanResponse__Output>): grpc.ClientUnaryCall;
  Ban(argument: _mqp_auth_v1_BanRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_auth_v1_BanResponse__Output>): grpc.ClientUnaryCall;
  Ban(argument: _mqp_auth_v1_BanRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_BanResponse__Output>): grpc.ClientUnaryCall;
  Ban(argument: _mqp_auth_v1_BanRequest, callback: grpc.requestCallback<_mqp_auth_v1_BanResponse__Output>): grpc.ClientUnaryCall;
  ban(argument: _mqp_auth_v1_BanRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_BanResponse__Output>): grpc.ClientUnaryCall;
  ban(argument: _mqp_auth_v1_BanRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_auth_v1_BanResponse__Output>): grpc.ClientUnaryCall;
  ban(argument: _mqp_auth_v1_BanRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_BanResponse__Output>): grpc.ClientUnaryCall;
  ban(argument: _mqp_auth_v1_BanRequest, callback: grpc.requestCallback<_mqp_auth_v1_BanResponse__Output>): grpc.ClientUnaryCall;
  
  ListBans(argument: _mqp_auth_v1_ListBansRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_ListBansResponse__Output>): grpc.ClientUnaryCall;
  ListBans(argument: _mqp_auth_v1_ListBansRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_auth_v1_ListBansResponse__Output>): grpc.ClientUnaryCall;
  ListBans(argument: _mqp_auth_v1_ListBansRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_ListBansResponse__Output>): grpc.ClientUnaryCall;
  ListBans(argument: _mqp_auth_v1_ListBansRequest, callback: grpc.requestCallback<_mqp_auth_v1_ListBansResponse__Output>): grpc.ClientUnaryCall;
  listBans(argument: _mqp_auth_v1_ListBansRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_ListBansResponse__Output>): grpc.ClientUnaryCall;
  listBans(argument: _mqp_auth_v1_ListBansRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_auth_v1_ListBansResponse__Output>): grpc.ClientUnaryCall;
  listBans(argument: _mqp_auth_v1_ListBansRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_ListBansResponse__Output>): grpc.ClientUnaryCall;
  listBans(argument: _mqp_auth_v1_ListBansRequest, callback: grpc.requestCallback<_mqp_auth_v1_ListBansResponse__Output>): grpc.ClientUnaryCall;
  
  ReplaceAcl(argument: _mqp_auth_v1_ReplaceAclRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_ReplaceAclResponse__Output>): grpc.ClientUnaryCall;
  ReplaceAcl(argument: _mqp_auth_v1_ReplaceAclRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_auth_v1_ReplaceAclResponse__Output>): grpc.ClientUnaryCall;
  ReplaceAcl(argument: _mqp_auth_v1_ReplaceAclRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_ReplaceAclResponse__Output>): grpc.ClientUnaryCall;
  ReplaceAcl(argument: _mqp_auth_v1_ReplaceAclRequest, callback: grpc.requestCallback<_mqp_auth_v1_ReplaceAclResponse__Output>): grpc.ClientUnaryCall;
  replaceAcl(argument: _mqp_auth_v1_ReplaceAclRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_ReplaceAclResponse__Output>): grpc.ClientUnaryCall;
  replaceAcl(argument: _mqp_auth_v1_ReplaceAclRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_auth_v1_ReplaceAclResponse__Output>): grpc.ClientUnaryCall;
  replaceAcl(argument: _mqp_auth_v1_ReplaceAclRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_ReplaceAclResponse__Output>): grpc.ClientUnaryCall;
  replaceAcl(argument: _mqp_auth_v1_ReplaceAclRequest, callback: grpc.requestCallback<_mqp_auth_v1_ReplaceAclResponse__Output>): grpc.ClientUnaryCall;
  
  Unban(argument: _mqp_auth_v1_UnbanRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_UnbanResponse__Output>): grpc.ClientUnaryCall;
  Unban(argument: _mqp_auth_v1_UnbanRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_auth_v1_UnbanResponse__Output>): grpc.ClientUnaryCall;
  Unban(argument: _mqp_auth_v1_UnbanRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_UnbanResponse__Output>): grpc.ClientUnaryCall;
  Unban(argument: _mqp_auth_v1_UnbanRequest, callback: grpc.requestCallback<_mqp_auth_v1_UnbanResponse__Output>): grpc.ClientUnaryCall;
  unban(argument: _mqp_auth_v1_UnbanRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_UnbanResponse__Output>): grpc.ClientUnaryCall;
  unban(argument: _mqp_auth_v1_UnbanRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_mqp_auth_v1_UnbanResponse__Output>): grpc.ClientUnaryCall;
  unban(argument: _mqp_auth_v1_UnbanRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_mqp_auth_v1_UnbanResponse__Output>): grpc.ClientUnaryCall;
  unban(argument: _mqp_auth_v1_UnbanRequest, callback: grpc.requestCallback<_mqp_auth_v1_UnbanResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface AuthHandlers extends grpc.UntypedServiceImplementation {
  Authenticate: grpc.handleUnaryCall<_mqp_auth_v1_AuthenticateRequest__Output, _mqp_auth_v1_AuthenticateResponse>;
  
  AuthenticateExchange: grpc.handleUnaryCall<_mqp_auth_v1_AuthenticateExchangeRequest__Output, _mqp_auth_v1_AuthenticateExchangeResponse>;
  
  Authorize: grpc.handleUnaryCall<_mqp_auth_v1_AuthorizeRequest__Output, _mqp_auth_v1_AuthorizeResponse>;
  
  Ban: grpc.handleUnaryCall<_mqp_auth_v1_BanRequest__Output, _mqp_auth_v1_BanResponse>;
  
  ListBans: grpc.handleUnaryCall<_mqp_auth_v1_ListBansRequest__Output, _mqp_auth_v1_ListBansResponse>;
  
  ReplaceAcl: grpc.handleUnaryCall<_mqp_auth_v1_ReplaceAclRequest__Output, _mqp_auth_v1_ReplaceAclResponse>;
  
  Unban: grpc.handleUnaryCall<_mqp_auth_v1_UnbanRequest__Output, _mqp_auth_v1_UnbanResponse>;
  
}

export interface AuthDefinition extends grpc.ServiceDefinition {
  Authenticate: MethodDefinition<_mqp_auth_v1_AuthenticateRequest, _mqp_auth_v1_AuthenticateResponse, _mqp_auth_v1_AuthenticateRequest__Output, _mqp_auth_v1_AuthenticateResponse__Output>
  AuthenticateExchange: MethodDefinition<_mqp_auth_v1_AuthenticateExchangeRequest, _mqp_auth_v1_AuthenticateExchangeResponse, _mqp_auth_v1_AuthenticateExchangeRequest__Output, _mqp_auth_v1_AuthenticateExchangeResponse__Output>
  Authorize: MethodDefinition<_mqp_auth_v1_AuthorizeRequest, _mqp_auth_v1_AuthorizeResponse, _mqp_auth_v1_AuthorizeRequest__Output, _mqp_auth_v1_AuthorizeResponse__Output>
  Ban: MethodDefinition<_mqp_auth_v1_BanRequest, _mqp_auth_v1_BanResponse, _mqp_auth_v1_BanRequest__Output, _mqp_auth_v1_BanResponse__Output>
  ListBans: MethodDefinition<_mqp_auth_v1_ListBansRequest, _mqp_auth_v1_ListBansResponse, _mqp_auth_v1_ListBansRequest__Output, _mqp_auth_v1_ListBansResponse__Output>
  ReplaceAcl: MethodDefinition<_mqp_auth_v1_ReplaceAclRequest, _mqp_auth_v1_ReplaceAclResponse, _mqp_auth_v1_ReplaceAclRequest__Output, _mqp_auth_v1_ReplaceAclResponse__Output>
  Unban: MethodDefinition<_mqp_auth_v1_UnbanRequest, _mqp_auth_v1_UnbanResponse, _mqp_auth_v1_UnbanRequest__Output, _mqp_auth_v1_UnbanResponse__Output>
}
