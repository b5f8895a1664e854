export * from './free-port';
export * from './nats-server';
export * from './platform-process';
export * from './deployments';
export * from './certificates';
export * from './raw-bytes';
export * from './until';
