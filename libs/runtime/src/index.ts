export * from './logger';
export * from './module';
export * from './metrics';
export * from './module-manager';
export * from './http-server';
export * from './signals';
