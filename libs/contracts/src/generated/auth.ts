import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Allow as _mqp_auth_v1_Allow, Allow__Output as _mqp_auth_v1_Allow__Output } from './mqp/auth/v1/Allow';
import type { AuthClient as _mqp_auth_v1_AuthClient, AuthDefinition as _mqp_auth_v1_AuthDefinition } from './mqp/auth/v1/Auth';
import type { AuthenticateRequest as _mqp_auth_v1_AuthenticateRequest, AuthenticateRequest__Output as _mqp_auth_v1_AuthenticateRequest__Output } from './mqp/auth/v1/AuthenticateRequest';
import type { AuthenticateResponse as _mqp_auth_v1_AuthenticateResponse, AuthenticateResponse__Output as _mqp_auth_v1_AuthenticateResponse__Output } from './mqp/auth/v1/AuthenticateResponse';
import type { AuthorizeRequest as _mqp_auth_v1_AuthorizeRequest, AuthorizeRequest__Output as _mqp_auth_v1_AuthorizeRequest__Output } from './mqp/auth/v1/AuthorizeRequest';
import type { AuthorizeResponse as _mqp_auth_v1_AuthorizeResponse, AuthorizeResponse__Output as _mqp_auth_v1_AuthorizeResponse__Output } from './mqp/auth/v1/AuthorizeResponse';
import type { Deny as _mqp_auth_v1_Deny, Deny__Output as _mqp_auth_v1_Deny__Output } from './mqp/auth/v1/Deny';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  mqp: {
    auth: {
      v1: {
        AclAction: EnumTypeDefinition
        Allow: MessageTypeDefinition<_mqp_auth_v1_Allow, _mqp_auth_v1_Allow__Output>
        Auth: SubtypeConstructor<typeof grpc.Client, _mqp_auth_v1_AuthClient> & { service: _mqp_auth_v1_AuthDefinition }
        AuthenticateRequest: MessageTypeDefinition<_mqp_auth_v1_AuthenticateRequest, _mqp_auth_v1_AuthenticateRequest__Output>
        AuthenticateResponse: MessageTypeDefinition<_mqp_auth_v1_AuthenticateResponse, _mqp_auth_v1_AuthenticateResponse__Output>
        AuthorizeRequest: MessageTypeDefinition<_mqp_auth_v1_AuthorizeRequest, _mqp_auth_v1_AuthorizeRequest__Output>
        AuthorizeResponse: MessageTypeDefinition<_mqp_auth_v1_AuthorizeResponse, _mqp_auth_v1_AuthorizeResponse__Output>
        Deny: MessageTypeDefinition<_mqp_auth_v1_Deny, _mqp_auth_v1_Deny__Output>
        DenyReason: EnumTypeDefinition
      }
    }
  }
}

