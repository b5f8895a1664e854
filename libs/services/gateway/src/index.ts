export { gatewayModule, gatewayIdFrom, type GatewayHandle } from './gateway.module';
export { Gateway, type GatewayDeps } from './gateway';
export type { TcpSource } from './listeners/tcp-source';
