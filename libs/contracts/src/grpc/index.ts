export * from './definitions';
export * from './message.convert';
export * from './auth.grpc';
export * from './session.grpc';
export * from './router.grpc';
