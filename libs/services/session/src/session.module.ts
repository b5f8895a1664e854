import type { Bus } from '@mqp/bus';
import type { SessionApi } from '@mqp/contracts';
import type { ModuleDefinition } from '@mqp/runtime';
import type { SessionStore } from '@mqp/storage';
import { SessionService } from './session.service';

/** The session service; the composition provides `session.store`. */
export const sessionModule: ModuleDefinition<SessionApi> = {
  name: 'session',
  deps: ['bus', 'session.store'],
  init(ctx) {
    return {
      value: new SessionService({ bus: ctx.get<Bus>('bus'), store: ctx.get<SessionStore>('session.store'), logger: ctx.logger }),
    };
  },
};
