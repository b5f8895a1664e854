import type { Bus } from '@mqp/bus';
import type { MqpConfig } from '@mqp/config';
import type { MetricsRegistry, ModuleDefinition } from '@mqp/runtime';
import { IntegrationService } from './integration.service';

/** The integration service: webhooks from `integration.webhooks`, fed from the bus. */
export const integrationModule: ModuleDefinition<IntegrationService> = {
  name: 'integration',
  deps: ['config', 'bus', 'metrics'],
  init(ctx) {
    const service = new IntegrationService({
      bus: ctx.get<Bus>('bus'),
      webhooks: ctx.get<MqpConfig>('config').integration.webhooks,
      logger: ctx.logger,
      metrics: ctx.get<MetricsRegistry>('metrics'),
    });
    return { value: service, start: () => service.start(), stop: () => service.stop() };
  },
};
