import { startSplit, startStandalone, startStandaloneWithWorkers } from '@mqp/testing';

/**
 * Every e2e suite that says so runs unchanged against each deployment
 * (ARCHITECTURE.md "Two ways to run"), standalone also with gateway workers,
 * where the clients of one test land in different processes.
 */
export const DEPLOYMENTS = [
  ['standalone', startStandalone],
  ['standalone-workers', startStandaloneWithWorkers],
  ['split', startSplit],
] as const;
