// Original file: libs/contracts/proto/mqp/session/v1/session.proto


export interface SubscribeResponse {
}

export interface SubscribeResponse__Output {
}
