// Original file: libs/contracts/proto/mqp/router/v1/router.proto


export interface ListRoutesRequest {
}

export interface ListRoutesRequest__Output {
}
