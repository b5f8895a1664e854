// Original file: libs/contracts/proto/mqp/session/v1/session.proto


export interface Subscription {
  'filter'?: (string);
  'qos'?: (number);
  'noLocal'?: (boolean);
  'retainAsPublished'?: (boolean);
  'subscriptionId'?: (number);
  '_subscriptionId'?: "subscriptionId";
}

export interface Subscription__Output {
  'filter': (string);
  'qos': (number);
  'noLocal': (boolean);
  'retainAsPublished': (boolean);
  'subscriptionId'?: (number);
  '_subscriptionId'?: "subscriptionId";
}
