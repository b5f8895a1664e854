import type { AuthApi } from '@mqp/contracts';
import type { MqpConfig } from '@mqp/config';
import type { ModuleDefinition } from '@mqp/runtime';
import { AuthService } from './auth.service';

/** The auth service; `start` hashes the configured passwords before the platform reports ready. */
export const authModule: ModuleDefinition<AuthApi> = {
  name: 'auth',
  deps: ['config'],
  init(ctx) {
    const service = new AuthService(ctx.get<MqpConfig>('config').auth, ctx.logger);
    return { value: service, start: () => service.start() };
  },
};
