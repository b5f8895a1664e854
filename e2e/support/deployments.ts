import { startSplit, startStandalone } from '@mqp/testing';

/** Every e2e suite that says so runs unchanged against both deployments (ARCHITECTURE.md "Two ways to run"). */
export const BOTH_DEPLOYMENTS = [
  ['standalone', startStandalone],
  ['split', startSplit],
] as const;
