// Original file: libs/contracts/proto/mqp/router/v1/router.proto


export interface RemoveRoutesResponse {
}

export interface RemoveRoutesResponse__Output {
}
