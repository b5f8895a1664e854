// Original file: libs/contracts/proto/mqp/session/v1/session.proto


export interface CloseResponse {
}

export interface CloseResponse__Output {
}
