// Original file: libs/contracts/proto/mqp/common/v1/message.proto


export interface MessageOrigin {
  'clientId'?: (string);
  'gatewayId'?: (string);
}

export interface MessageOrigin__Output {
  'clientId': (string);
  'gatewayId': (string);
}
