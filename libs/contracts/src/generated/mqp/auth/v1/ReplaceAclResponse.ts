// Original file: libs/contracts/proto/mqp/auth/v1/auth.proto


export interface ReplaceAclResponse {
}

export interface ReplaceAclResponse__Output {
}
