export * from './message';
export * from './client';
export * from './events';
export * from './ids';
export * from './errors';
export * from './bounded-memo';
