import type { Server } from 'node:net';
import type { MqpConfig } from '@mqp/config';
import { createLogger, type MetricsRegistry } from '@mqp/runtime';
import { Platform } from '../platform';
import type { FromWorker, ToWorker, WorkerSetup } from './worker-messages';

/** How long a worker whose main process vanished may take to close its connections. */
const ORPHAN_STOP_MS = 5_000;

/**
 * A gateway worker process (`mqp gateway-worker`, forked by GatewayWorkers):
 * waits for its setup, runs a gateway that calls the main process's services
 * over its private gRPC socket, reaches its bus through the BusHub, and
 * accepts from the listening socket the main process shares. It stops when told to, or
 * when the main process is gone; terminal signals are left to the main process.
 */
export function runGatewayWorker(startTelemetry: (config: MqpConfig) => Promise<() => Promise<void>>): void {
  if (!process.send) {
    process.stderr.write('mqp: gateway-worker is started by mqp start (gateway.workers), not by hand\n', () => process.exit(2));
    return;
  }
  const ignore = (): void => {};
  process.on('SIGINT', ignore);
  process.on('SIGTERM', ignore);
  process.on('message', (message: ToWorker, server?: Server) => {
    if (message.type !== 'setup') return;
    if (server) void start(message, server, startTelemetry);
    else process.send?.({ type: 'failed', reason: 'the setup came without the listening socket' } satisfies FromWorker);
  });
}

async function start(setup: WorkerSetup, server: Server, startTelemetry: (config: MqpConfig) => Promise<() => Promise<void>>): Promise<void> {
  const config = workerConfig(setup);
  const logger = createLogger({ level: config.log.level, name: `mqp.worker-${setup.index}` });
  const tell = (message: FromWorker): void => void process.send?.(message);
  let platform: Platform;
  let stopTelemetry: () => Promise<void> = async () => {};
  try {
    stopTelemetry = await startTelemetry(config);
    platform = await Platform.start({
      config,
      services: ['gateway'],
      logger,
      wiring: { worker: { busPath: setup.busPath, server } },
    });
  } catch (err) {
    tell({ type: 'failed', reason: err instanceof Error ? err.message : String(err) });
    return;
  }
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= platform.stop().then(stopTelemetry).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error('gateway worker stop failed', { error: err });
        process.exit(1);
      },
    ));
  process.on('message', (message: ToWorker) => {
    if (message.type === 'stop') void stop();
    // the main process's /metrics adds ours to its own
    else if (message.type === 'metrics') tell({ type: 'metrics', id: message.id, samples: platform.value<MetricsRegistry>('metrics')?.samples() ?? [] });
  });
  // the main process died without telling us: nothing to publish wills to any more, close the clients and go
  process.on('disconnect', () => {
    setTimeout(() => process.exit(1), ORPHAN_STOP_MS).unref();
    void stop();
  });
  tell({ type: 'ready', gatewayId: platform.value<{ gatewayId: string }>('gateway')?.gatewayId ?? '' });
}

/** The main process's config with this worker's wiring: no HTTP surface, the services on the private gRPC socket. */
function workerConfig(setup: WorkerSetup): MqpConfig {
  const { config } = setup;
  const grpc = { address: `unix:${setup.grpcPath}` };
  return {
    ...config,
    http: { ...config.http, enabled: false },
    services: { auth: grpc, session: grpc, router: grpc },
    gateway: { ...config.gateway, ...(config.gateway.id !== undefined ? { id: `${config.gateway.id}-w${setup.index}` } : {}) },
  };
}
