// Original file: libs/contracts/proto/mqp/auth/v1/auth.proto


export interface ListBansRequest {
}

export interface ListBansRequest__Output {
}
