// Original file: libs/contracts/proto/mqp/auth/v1/auth.proto


export interface BanResponse {
}

export interface BanResponse__Output {
}
