// Original file: libs/contracts/proto/mqp/router/v1/router.proto


export interface AddRoutesResponse {
}

export interface AddRoutesResponse__Output {
}
