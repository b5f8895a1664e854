import { mkdir } from 'node:fs/promises';
import type { MqpConfig } from '@mqp/config';
import type { ModuleDefinition } from '@mqp/runtime';
import { MetricsRegistry } from '@mqp/runtime';
import { InProcessBus, NatsBus, type Bus } from '@mqp/bus';
import { openEmbeddedStore, openMongoStore, type Stores } from '@mqp/storage';
import { gatewayModule } from '@mqp/service-gateway';
import { authModule } from '@mqp/service-auth';
import { sessionModule } from '@mqp/service-session';
import { routerModule } from '@mqp/service-router';
import { integrationModule } from '@mqp/service-integration';
import { GRPC_SERVICES, type ServiceName } from './targets';
import { localApiModule, remoteApiModule } from './api-modules';
import { grpcServerModule } from './grpc-server.module';

/**
 * Every module one process may run, wired for the services it runs: a
 * service's API (`auth.api`, …) is the local instance when the service runs
 * here, otherwise a gRPC client to its configured address. The gateway cannot
 * tell the difference (ARCHITECTURE.md "Two ways to run, one codebase").
 */
export function platformModules(config: MqpConfig, services: readonly ServiceName[]): ModuleDefinition<any>[] {
  const modules: ModuleDefinition<any>[] = [
    { name: 'config', init: () => ({ value: config }) },
    { name: 'metrics', init: () => ({ value: new MetricsRegistry() }) },
    busModule(config),
    storesModule(config),
    { name: 'session.store', deps: ['stores'], init: (ctx) => ({ value: ctx.get<Stores>('stores').sessions }) },
    { name: 'queue.store', deps: ['stores'], init: (ctx) => ({ value: ctx.get<Stores>('stores').queues }) },
    { name: 'lease.store', deps: ['stores'], init: (ctx) => ({ value: ctx.get<Stores>('stores').leases }) },
    { name: 'retained.store', deps: ['stores'], init: (ctx) => ({ value: ctx.get<Stores>('stores').retained }) },
    { name: 'auth.store', deps: ['stores'], init: (ctx) => ({ value: ctx.get<Stores>('stores').auth }) },
    gatewayModule,
    authModule,
    sessionModule,
    routerModule,
    integrationModule,
  ];
  for (const service of GRPC_SERVICES) {
    modules.push(services.includes(service) ? localApiModule(service) : remoteApiModule(service, config));
  }
  const served = GRPC_SERVICES.filter((s) => services.includes(s));
  if (config.grpc.port !== undefined && served.length > 0) modules.push(grpcServerModule(config, served));
  return modules;
}

/** The modules to start: the services, plus the gRPC server when it serves any. */
export function startList(config: MqpConfig, services: readonly ServiceName[]): string[] {
  const served = GRPC_SERVICES.some((s) => services.includes(s));
  return config.grpc.port !== undefined && served ? [...services, 'grpc.server'] : [...services];
}

/**
 * The durable stores: embedded LMDB under `storage.dir` (standalone default),
 * or MongoDB with `--mongodb`. Opened only by a process that runs a service
 * needing them, so a gateway process never touches the data directory.
 */
function storesModule(config: MqpConfig): ModuleDefinition<Stores> {
  return {
    name: 'stores',
    async init(ctx) {
      const uri = config.storage.mongodb?.uri;
      let stores: Stores;
      if (uri) {
        stores = await openMongoStore(uri);
        ctx.logger.info('storage: MongoDB');
      } else {
        await mkdir(config.storage.dir, { recursive: true });
        stores = await openEmbeddedStore(config.storage.dir);
        ctx.logger.info('storage: embedded', { dir: config.storage.dir });
      }
      return { value: stores, stop: () => stores.close() };
    },
  };
}

function busModule(config: MqpConfig): ModuleDefinition<Bus> {
  return {
    name: 'bus',
    async init(ctx) {
      const url = config.nats.url;
      const bus: Bus = url ? await NatsBus.connect({ servers: url, name: 'mqp', logger: ctx.logger }) : new InProcessBus({ logger: ctx.logger });
      bus.onStateChange((state) => (state === 'connected' ? ctx.logger.info('bus connected') : ctx.logger.warn(`bus ${state}`)));
      return {
        value: bus,
        stop: () => bus.close(),
        health: () => ({ healthy: bus.state() === 'connected', detail: `bus ${bus.state()}` }),
      };
    },
  };
}
