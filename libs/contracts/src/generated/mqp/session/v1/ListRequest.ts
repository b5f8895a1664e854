// Original file: libs/contracts/proto/mqp/session/v1/session.proto


export interface ListRequest {
}

export interface ListRequest__Output {
}
