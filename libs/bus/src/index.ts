export * from './bus.port';
export { InProcessBus } from './in-process.bus';
export { NatsBus, type NatsBusOptions } from './nats.bus';
