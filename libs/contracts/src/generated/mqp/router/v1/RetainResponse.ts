// Original file: libs/contracts/proto/mqp/router/v1/router.proto


export interface RetainResponse {
}

export interface RetainResponse__Output {
}
