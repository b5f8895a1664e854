import type { Bus } from '@mqp/bus';
import type { MqpConfig } from '@mqp/config';
import type { SessionApi } from '@mqp/contracts';
import type { MetricsRegistry, ModuleDefinition } from '@mqp/runtime';
import type { SessionStore } from '@mqp/storage';
import { SessionService } from './session.service';

/** The session service; the composition provides `session.store`. */
export const sessionModule: ModuleDefinition<SessionApi> = {
  name: 'session',
  deps: ['config', 'bus', 'metrics', 'session.store'],
  init(ctx) {
    const config = ctx.get<MqpConfig>('config').session;
    const service = new SessionService({
      bus: ctx.get<Bus>('bus'),
      store: ctx.get<SessionStore>('session.store'),
      logger: ctx.logger,
      metrics: ctx.get<MetricsRegistry>('metrics'),
      queueLimits: { maxMessages: config.maxQueuedMessages, maxBytes: config.maxQueuedBytes },
    });
    return { value: service, stop: async () => service.stop() };
  },
};
