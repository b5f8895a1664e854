// Original file: libs/contracts/proto/mqp/common/v1/message.proto


export interface UserProperty {
  'name'?: (string);
  'value'?: (string);
}

export interface UserProperty__Output {
  'name': (string);
  'value': (string);
}
