import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Message as _mqp_common_v1_Message, Message__Output as _mqp_common_v1_Message__Output } from './mqp/common/v1/Message';
import type { MessageOrigin as _mqp_common_v1_MessageOrigin, MessageOrigin__Output as _mqp_common_v1_MessageOrigin__Output } from './mqp/common/v1/MessageOrigin';
import type { MessageProperties as _mqp_common_v1_MessageProperties, MessageProperties__Output as _mqp_common_v1_MessageProperties__Output } from './mqp/common/v1/MessageProperties';
import type { UserProperty as _mqp_common_v1_UserProperty, UserProperty__Output as _mqp_common_v1_UserProperty__Output } from './mqp/common/v1/UserProperty';
import type { AddRoutesRequest as _mqp_router_v1_AddRoutesRequest, AddRoutesRequest__Output as _mqp_router_v1_AddRoutesRequest__Output } from './mqp/router/v1/AddRoutesRequest';
import type { AddRoutesResponse as _mqp_router_v1_AddRoutesResponse, AddRoutesResponse__Output as _mqp_router_v1_AddRoutesResponse__Output } from './mqp/router/v1/AddRoutesResponse';
import type { GatewayRouteCount as _mqp_router_v1_GatewayRouteCount, GatewayRouteCount__Output as _mqp_router_v1_GatewayRouteCount__Output } from './mqp/router/v1/GatewayRouteCount';
import type { ListRoutesRequest as _mqp_router_v1_ListRoutesRequest, ListRoutesRequest__Output as _mqp_router_v1_ListRoutesRequest__Output } from './mqp/router/v1/ListRoutesRequest';
import type { ListRoutesResponse as _mqp_router_v1_ListRoutesResponse, ListRoutesResponse__Output as _mqp_router_v1_ListRoutesResponse__Output } from './mqp/router/v1/ListRoutesResponse';
import type { MatchRetainedRequest as _mqp_router_v1_MatchRetainedRequest, MatchRetainedRequest__Output as _mqp_router_v1_MatchRetainedRequest__Output } from './mqp/router/v1/MatchRetainedRequest';
import type { MatchRetainedResponse as _mqp_router_v1_MatchRetainedResponse, MatchRetainedResponse__Output as _mqp_router_v1_MatchRetainedResponse__Output } from './mqp/router/v1/MatchRetainedResponse';
import type { RemoveRoutesRequest as _mqp_router_v1_RemoveRoutesRequest, RemoveRoutesRequest__Output as _mqp_router_v1_RemoveRoutesRequest__Output } from './mqp/router/v1/RemoveRoutesRequest';
import type { RemoveRoutesResponse as _mqp_router_v1_RemoveRoutesResponse, RemoveRoutesResponse__Output as _mqp_router_v1_RemoveRoutesResponse__Output } from './mqp/router/v1/RemoveRoutesResponse';
import type { ResetGatewayRequest as _mqp_router_v1_ResetGatewayRequest, ResetGatewayRequest__Output as _mqp_router_v1_ResetGatewayRequest__Output } from './mqp/router/v1/ResetGatewayRequest';
import type { ResetGatewayResponse as _mqp_router_v1_ResetGatewayResponse, ResetGatewayResponse__Output as _mqp_router_v1_ResetGatewayResponse__Output } from './mqp/router/v1/ResetGatewayResponse';
import type { RetainRequest as _mqp_router_v1_RetainRequest, RetainRequest__Output as _mqp_router_v1_RetainRequest__Output } from './mqp/router/v1/RetainRequest';
import type { RetainResponse as _mqp_router_v1_RetainResponse, RetainResponse__Output as _mqp_router_v1_RetainResponse__Output } from './mqp/router/v1/RetainResponse';
import type { Route as _mqp_router_v1_Route, Route__Output as _mqp_router_v1_Route__Output } from './mqp/router/v1/Route';
import type { RouterClient as _mqp_router_v1_RouterClient, RouterDefinition as _mqp_router_v1_RouterDefinition } from './mqp/router/v1/Router';

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
    router: {
      v1: {
        AddRoutesRequest: MessageTypeDefinition<_mqp_router_v1_AddRoutesRequest, _mqp_router_v1_AddRoutesRequest__Output>
        AddRoutesResponse: MessageTypeDefinition<_mqp_router_v1_AddRoutesResponse, _mqp_router_v1_AddRoutesResponse__Output>
        GatewayRouteCount: MessageTypeDefinition<_mqp_router_v1_GatewayRouteCount, _mqp_router_v1_GatewayRouteCount__Output>
        ListRoutesRequest: MessageTypeDefinition<_mqp_router_v1_ListRoutesRequest, _mqp_router_v1_ListRoutesRequest__Output>
        ListRoutesResponse: MessageTypeDefinition<_mqp_router_v1_ListRoutesResponse, _mqp_router_v1_ListRoutesResponse__Output>
        MatchRetainedRequest: MessageTypeDefinition<_mqp_router_v1_MatchRetainedRequest, _mqp_router_v1_MatchRetainedRequest__Output>
        MatchRetainedResponse: MessageTypeDefinition<_mqp_router_v1_MatchRetainedResponse, _mqp_router_v1_MatchRetainedResponse__Output>
        RemoveRoutesRequest: MessageTypeDefinition<_mqp_router_v1_RemoveRoutesRequest, _mqp_router_v1_RemoveRoutesRequest__Output>
        RemoveRoutesResponse: MessageTypeDefinition<_mqp_router_v1_RemoveRoutesResponse, _mqp_router_v1_RemoveRoutesResponse__Output>
        ResetGatewayRequest: MessageTypeDefinition<_mqp_router_v1_ResetGatewayRequest, _mqp_router_v1_ResetGatewayRequest__Output>
        ResetGatewayResponse: MessageTypeDefinition<_mqp_router_v1_ResetGatewayResponse, _mqp_router_v1_ResetGatewayResponse__Output>
        RetainRequest: MessageTypeDefinition<_mqp_router_v1_RetainRequest, _mqp_router_v1_RetainRequest__Output>
        RetainResponse: MessageTypeDefinition<_mqp_router_v1_RetainResponse, _mqp_router_v1_RetainResponse__Output>
        Route: MessageTypeDefinition<_mqp_router_v1_Route, _mqp_router_v1_Route__Output>
        Router: SubtypeConstructor<typeof grpc.Client, _mqp_router_v1_RouterClient> & { service: _mqp_router_v1_RouterDefinition }
      }
    }
  }
}

