export * from './start-sdk';
