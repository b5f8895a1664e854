import type { MqpConfig } from '@mqp/config';
import type { MetricSample } from '@mqp/runtime';

/**
 * What the main process and a gateway worker say to each other over the
 * child process's IPC channel. Messages are JSON; the main gateway's
 * listening socket travels as the handle attached to `setup`.
 */
export interface WorkerSetup {
  type: 'setup';
  /** 1…N-1; names the worker in logs and, with `gateway.id` set, in its gateway id. */
  index: number;
  /** The main process's config, as it loaded it. */
  config: MqpConfig;
  /** The BusHub serving the main process's bus. */
  busPath: string;
  /** The Unix socket of the main process's gRPC server (auth, session, router). */
  grpcPath: string;
}

export type ToWorker = WorkerSetup | { type: 'stop' } | { type: 'metrics'; id: number };

export type FromWorker = { type: 'ready'; gatewayId: string } | { type: 'failed'; reason: string } | { type: 'metrics'; id: number; samples: MetricSample[] };

/** The hidden CLI command a gateway worker runs as (`mqp gateway-worker`). */
export const WORKER_COMMAND = 'gateway-worker';
