export * from './bus.port';
export { InProcessBus } from './in-process.bus';
export { NatsBus, type NatsBusOptions } from './nats.bus';
export { BusHub, type BusHubOptions } from './hub/bus-hub';
export { HubClientBus, type HubClientBusOptions } from './hub/hub-client.bus';
