export * from './grpc.types';
export * from './status-mapping';
export * from './client';
export * from './server';
export * from './health';
