// Original file: libs/contracts/proto/mqp/session/v1/session.proto


export interface ResetGatewayResponse {
}

export interface ResetGatewayResponse__Output {
}
