import type { Bus } from '@mqp/bus';
import { encodeAuthChanged, subjects, type AuthApi } from '@mqp/contracts';
import type { MqpConfig } from '@mqp/config';
import type { ModuleDefinition } from '@mqp/runtime';
import type { AuthStore } from '@mqp/storage';
import { AuthService } from './auth.service';

/**
 * The auth service; `start` hashes the configured passwords and reads the
 * store's users and rules before the platform reports ready. Rule and ban changes go out on the bus, so every
 * gateway drops its cached decisions (ARCHITECTURE: decisions cached per connection).
 */
export const authModule: ModuleDefinition<AuthApi> = {
  name: 'auth',
  deps: ['config', 'bus', 'auth.store'],
  init(ctx) {
    const bus = ctx.get<Bus>('bus');
    const config = ctx.get<MqpConfig>('config').auth;
    const service = new AuthService(config, ctx.logger, {
      scramSecret: config.scram.secret === undefined ? undefined : Buffer.from(config.scram.secret, 'base64'),
      changed: (event) => bus.publish(subjects.authChanged, encodeAuthChanged(event)),
      store: ctx.get<AuthStore>('auth.store'),
    });
    return { value: service, start: () => service.start(), stop: async () => service.stop() };
  },
};
