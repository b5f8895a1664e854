import type { Bus } from '@mqp/bus';
import { encodeAuthChanged, subjects, type AuthApi } from '@mqp/contracts';
import type { MqpConfig } from '@mqp/config';
import type { ModuleDefinition } from '@mqp/runtime';
import { AuthService } from './auth.service';

/**
 * The auth service; `start` hashes the configured passwords before the
 * platform reports ready. Rule and ban changes go out on the bus, so every
 * gateway drops its cached decisions (ARCHITECTURE: decisions cached per connection).
 */
export const authModule: ModuleDefinition<AuthApi> = {
  name: 'auth',
  deps: ['config', 'bus'],
  init(ctx) {
    const bus = ctx.get<Bus>('bus');
    const service = new AuthService(ctx.get<MqpConfig>('config').auth, ctx.logger, {
      changed: (event) => bus.publish(subjects.authChanged, encodeAuthChanged(event)),
    });
    return { value: service, start: () => service.start() };
  },
};
