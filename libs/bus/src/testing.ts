// Test-only exports, kept out of index.ts because they use jest globals.
export { describeBusContract, inPlacePayload, type BusUnderTest } from './bus.contract';
