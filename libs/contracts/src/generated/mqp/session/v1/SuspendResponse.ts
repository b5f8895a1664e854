// Original file: libs/contracts/proto/mqp/session/v1/session.proto


export interface SuspendResponse {
}

export interface SuspendResponse__Output {
}
