// Original file: libs/contracts/proto/mqp/session/v1/session.proto


export interface UnsubscribeResponse {
}

export interface UnsubscribeResponse__Output {
}
