import type { RouterApi } from '@mqp/contracts';
import type { ModuleDefinition } from '@mqp/runtime';
import type { RetainedStore } from '@mqp/storage';
import { RouterService } from './router.service';

/** The router service; the composition provides `retained.store`. */
export const routerModule: ModuleDefinition<RouterApi> = {
  name: 'router',
  deps: ['retained.store'],
  init(ctx) {
    return { value: new RouterService({ retained: ctx.get<RetainedStore>('retained.store'), logger: ctx.logger }) };
  },
};
