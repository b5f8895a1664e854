import { hostname } from 'node:os';
import type { Bus } from '@mqp/bus';
import { separateGatewayProcesses, type MqpConfig } from '@mqp/config';
import type { SessionApi } from '@mqp/contracts';
import type { MetricsRegistry, ModuleDefinition } from '@mqp/runtime';
import type { LeaseStore, QueueStore, SessionStore } from '@mqp/storage';
import { SessionService } from './session.service';

/**
 * The session service; the composition provides `session.store`,
 * `queue.store` and `lease.store`. Started only once the stored sessions are
 * restored and their captures are live.
 */
export const sessionModule: ModuleDefinition<SessionApi> = {
  name: 'session',
  deps: ['config', 'bus', 'metrics', 'session.store', 'queue.store', 'lease.store'],
  async init(ctx) {
    const config = ctx.get<MqpConfig>('config');
    // Over NATS other session instances may run and gateways outlive this process; in-process, neither can.
    const distributed = config.nats.url !== undefined;
    // Over NATS, or with gateway workers, a gateway may die on its own: its connections must be ended here.
    const watchGateways = separateGatewayProcesses(config);
    const service = new SessionService({
      bus: ctx.get<Bus>('bus'),
      store: ctx.get<SessionStore>('session.store'),
      queues: ctx.get<QueueStore>('queue.store'),
      ...(distributed
        ? { leases: ctx.get<LeaseStore>('lease.store'), connectionsOutliveRestart: true, confirmCaptures: true }
        : {}),
      ...(watchGateways ? { gatewayLiveness: { intervalMs: config.gateway.heartbeatIntervalMs } } : {}),
      // a fixed gRPC port names the same instance after a restart, so it takes its own leases back at once
      ...(config.grpc.port ? { instanceId: `${hostname()}:${config.grpc.port}` } : {}),
      logger: ctx.logger,
      metrics: ctx.get<MetricsRegistry>('metrics'),
      queueLimits: { maxMessages: config.session.maxQueuedMessages, maxBytes: config.session.maxQueuedBytes },
    });
    await service.start();
    return { value: service, stop: () => service.stop() };
  },
};
