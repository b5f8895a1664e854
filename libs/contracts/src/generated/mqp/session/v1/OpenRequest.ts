// Original file: libs/contracts/proto/mqp/session/v1/session.proto

import type { Will as _mqp_session_v1_Will, Will__Output as _mqp_session_v1_Will__Output } from '../../../mqp/session/v1/Will';
import type { Long } from '@grpc/proto-loader';

export interface OpenRequest {
  'clientId'?: (string);
  'gatewayId'?: (string);
  'connectionId'?: (string);
  'protocolVersion'?: (number);
  'cleanStart'?: (boolean);
  'sessionExpiryInterval'?: (number);
  'will'?: (_mqp_session_v1_Will | null);
  'gatewayStartedAt'?: (number | string | Long);
  '_gatewayStartedAt'?: "gatewayStartedAt";
}

export interface OpenRequest__Output {
  'clientId': (string);
  'gatewayId': (string);
  'connectionId': (string);
  'protocolVersion': (number);
  'cleanStart': (boolean);
  'sessionExpiryInterval': (number);
  'will': (_mqp_session_v1_Will__Output | null);
  'gatewayStartedAt'?: (number);
  '_gatewayStartedAt'?: "gatewayStartedAt";
}
