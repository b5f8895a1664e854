export * from './propagation';
export * from './spans';
