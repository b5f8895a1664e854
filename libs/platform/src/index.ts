export * from './targets';
export * from './platform';
export * from './cli';
export * from './validate-deployment';
