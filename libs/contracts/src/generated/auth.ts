import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AclRule as _mqp_auth_v1_AclRule, AclRule__Output as _mqp_auth_v1_AclRule__Output } from './mqp/auth/v1/AclRule';
import type { Allow as _mqp_auth_v1_Allow, Allow__Output as _mqp_auth_v1_Allow__Output } from './mqp/auth/v1/Allow';
import type { AuthClient as _mqp_auth_v1_AuthClient, AuthDefinition as _mqp_auth_v1_AuthDefinition } from './mqp/auth/v1/Auth';
import type { AuthenticateExchangeRequest as _mqp_auth_v1_AuthenticateExchangeRequest, AuthenticateExchangeRequest__Output as _mqp_auth_v1_AuthenticateExchangeRequest__Output } from './mqp/auth/v1/AuthenticateExchangeRequest';
import type { AuthenticateExchangeResponse as _mqp_auth_v1_AuthenticateExchangeResponse, AuthenticateExchangeResponse__Output as _mqp_auth_v1_AuthenticateExchangeResponse__Output } from './mqp/auth/v1/AuthenticateExchangeResponse';
import type { AuthenticateRequest as _mqp_auth_v1_AuthenticateRequest, AuthenticateRequest__Output as _mqp_auth_v1_AuthenticateRequest__Output } from './mqp/auth/v1/AuthenticateRequest';
import type { AuthenticateResponse as _mqp_auth_v1_AuthenticateResponse, AuthenticateResponse__Output as _mqp_auth_v1_AuthenticateResponse__Output } from './mqp/auth/v1/AuthenticateResponse';
import type { AuthorizeRequest as _mqp_auth_v1_AuthorizeRequest, AuthorizeRequest__Output as _mqp_auth_v1_AuthorizeRequest__Output } from './mqp/auth/v1/AuthorizeRequest';
import type { AuthorizeResponse as _mqp_auth_v1_AuthorizeResponse, AuthorizeResponse__Output as _mqp_auth_v1_AuthorizeResponse__Output } from './mqp/auth/v1/AuthorizeResponse';
import type { Ban as _mqp_auth_v1_Ban, Ban__Output as _mqp_auth_v1_Ban__Output } from './mqp/auth/v1/Ban';
import type { BanRequest as _mqp_auth_v1_BanRequest, BanRequest__Output as _mqp_auth_v1_BanRequest__Output } from './mqp/auth/v1/BanRequest';
import type { BanResponse as _mqp_auth_v1_BanResponse, BanResponse__Output as _mqp_auth_v1_BanResponse__Output } from './mqp/auth/v1/BanResponse';
import type { Challenge as _mqp_auth_v1_Challenge, Challenge__Output as _mqp_auth_v1_Challenge__Output } from './mqp/auth/v1/Challenge';
import type { ClientCertificate as _mqp_auth_v1_ClientCertificate, ClientCertificate__Output as _mqp_auth_v1_ClientCertificate__Output } from './mqp/auth/v1/ClientCertificate';
import type { Deny as _mqp_auth_v1_Deny, Deny__Output as _mqp_auth_v1_Deny__Output } from './mqp/auth/v1/Deny';
import type { ListBansRequest as _mqp_auth_v1_ListBansRequest, ListBansRequest__Output as _mqp_auth_v1_ListBansRequest__Output } from './mqp/auth/v1/ListBansRequest';
import type { ListBansResponse as _mqp_auth_v1_ListBansResponse, ListBansResponse__Output as _mqp_auth_v1_ListBansResponse__Output } from './mqp/auth/v1/ListBansResponse';
import type { ReplaceAclRequest as _mqp_auth_v1_ReplaceAclRequest, ReplaceAclRequest__Output as _mqp_auth_v1_ReplaceAclRequest__Output } from './mqp/auth/v1/ReplaceAclRequest';
import type { ReplaceAclResponse as _mqp_auth_v1_ReplaceAclResponse, ReplaceAclResponse__Output as _mqp_auth_v1_ReplaceAclResponse__Output } from './mqp/auth/v1/ReplaceAclResponse';
import type { UnbanRequest as _mqp_auth_v1_UnbanRequest, UnbanRequest__Output as _mqp_auth_v1_UnbanRequest__Output } from './mqp/auth/v1/UnbanRequest';
import type { UnbanResponse as _mqp_auth_v1_UnbanResponse, UnbanResponse__Output as _mqp_auth_v1_UnbanResponse__Output } from './mqp/auth/v1/UnbanResponse';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  mqp: {
    auth: {
      v1: {
        AclAction: EnumTypeDefinition
        AclRule: MessageTypeDefinition<_mqp_auth_v1_AclRule, _mqp_auth_v1_AclRule__Output>
        Allow: MessageTypeDefinition<_mqp_auth_v1_Allow, _mqp_auth_v1_Allow__Output>
        Auth: SubtypeConstructor<typeof grpc.Client, _mqp_auth_v1_AuthClient> & { service: _mqp_auth_v1_AuthDefinition }
        AuthenticateExchangeRequest: MessageTypeDefinition<_mqp_auth_v1_AuthenticateExchangeRequest, _mqp_auth_v1_AuthenticateExchangeRequest__Output>
        AuthenticateExchangeResponse: MessageTypeDefinition<_mqp_auth_v1_AuthenticateExchangeResponse, _mqp_auth_v1_AuthenticateExchangeResponse__Output>
        AuthenticateRequest: MessageTypeDefinition<_mqp_auth_v1_AuthenticateRequest, _mqp_auth_v1_AuthenticateRequest__Output>
        AuthenticateResponse: MessageTypeDefinition<_mqp_auth_v1_AuthenticateResponse, _mqp_auth_v1_AuthenticateResponse__Output>
        AuthorizeRequest: MessageTypeDefinition<_mqp_auth_v1_AuthorizeRequest, _mqp_auth_v1_AuthorizeRequest__Output>
        AuthorizeResponse: MessageTypeDefinition<_mqp_auth_v1_AuthorizeResponse, _mqp_auth_v1_AuthorizeResponse__Output>
        Ban: MessageTypeDefinition<_mqp_auth_v1_Ban, _mqp_auth_v1_Ban__Output>
        BanKind: EnumTypeDefinition
        BanRequest: MessageTypeDefinition<_mqp_auth_v1_BanRequest, _mqp_auth_v1_BanRequest__Output>
        BanResponse: MessageTypeDefinition<_mqp_auth_v1_BanResponse, _mqp_auth_v1_BanResponse__Output>
        Challenge: MessageTypeDefinition<_mqp_auth_v1_Challenge, _mqp_auth_v1_Challenge__Output>
        ClientCertificate: MessageTypeDefinition<_mqp_auth_v1_ClientCertificate, _mqp_auth_v1_ClientCertificate__Output>
        Deny: MessageTypeDefinition<_mqp_auth_v1_Deny, _mqp_auth_v1_Deny__Output>
        DenyReason: EnumTypeDefinition
        ListBansRequest: MessageTypeDefinition<_mqp_auth_v1_ListBansRequest, _mqp_auth_v1_ListBansRequest__Output>
        ListBansResponse: MessageTypeDefinition<_mqp_auth_v1_ListBansResponse, _mqp_auth_v1_ListBansResponse__Output>
        ReplaceAclRequest: MessageTypeDefinition<_mqp_auth_v1_ReplaceAclRequest, _mqp_auth_v1_ReplaceAclRequest__Output>
        ReplaceAclResponse: MessageTypeDefinition<_mqp_auth_v1_ReplaceAclResponse, _mqp_auth_v1_ReplaceAclResponse__Output>
        UnbanRequest: MessageTypeDefinition<_mqp_auth_v1_UnbanRequest, _mqp_auth_v1_UnbanRequest__Output>
        UnbanResponse: MessageTypeDefinition<_mqp_auth_v1_UnbanResponse, _mqp_auth_v1_UnbanResponse__Output>
      }
    }
  }
}

