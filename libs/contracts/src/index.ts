export * from './auth.api';
export * from './session.api';
export * from './router.api';
export * from './subjects';
export * from './gateway-control';
export * from './gateway-heartbeat';
export * from './message-envelope';
export * from './grpc';
