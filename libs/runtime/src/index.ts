export * from './logger';
export * from './module';
export * from './metrics';
