// Original file: libs/contracts/proto/mqp/router/v1/router.proto


export interface ResetGatewayResponse {
}

export interface ResetGatewayResponse__Output {
}
