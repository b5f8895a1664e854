import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:net';
import type { MqpConfig } from '@mqp/config';
import type { ModuleDefinition } from '@mqp/runtime';
import { MetricsRegistry } from '@mqp/runtime';
import { HubClientBus, InProcessBus, NatsBus, type Bus } from '@mqp/bus';
import { ConfigError } from '@mqp/model';
import { openEmbeddedStore, openMongoStore, type Stores } from '@mqp/storage';
import { gatewayModule, type TcpSource } from '@mqp/service-gateway';
import { authModule } from '@mqp/service-auth';
import { sessionModule } from '@mqp/service-session';
import { routerModule } from '@mqp/service-router';
import { integrationModule } from '@mqp/service-integration';
import { GRPC_SERVICES, isStandalone, type ServiceName } from './targets';
import { gatewayWorkersModule } from './gateway-workers/gateway-workers.module';
import { localApiModule, remoteApiModule } from './api-modules';
import { grpcServerModule } from './grpc-server.module';

/**
 * Every module one process may run, wired for the services it runs: a
 * service's API (`auth.api`, …) is the local instance when the service runs
 * here, otherwise a gRPC client to its configured address. The gateway cannot
 * tell the difference (ARCHITECTURE.md "Two ways to run, one codebase").
 */
export function platformModules(config: MqpConfig, services: readonly ServiceName[], wiring: ProcessWiring = {}): ModuleDefinition<any>[] {
  const modules: ModuleDefinition<any>[] = [
    { name: 'config', init: () => ({ value: config }) },
    { name: 'metrics', init: () => ({ value: new MetricsRegistry() }) },
    busModule(config, wiring.worker?.busPath),
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
  modules.push(...gatewaySocketModules(config, services, wiring));
  for (const service of GRPC_SERVICES) {
    modules.push(services.includes(service) ? localApiModule(service) : remoteApiModule(service, config));
  }
  const served = GRPC_SERVICES.filter((s) => services.includes(s));
  if (config.grpc.port !== undefined && served.length > 0) modules.push(grpcServerModule(config, served));
  return modules;
}

/** The modules to start: the services, plus the gRPC server when it serves any, plus the gateway workers when there are any. */
export function startList(config: MqpConfig, services: readonly ServiceName[]): string[] {
  const served = GRPC_SERVICES.some((s) => services.includes(s));
  const list = config.grpc.port !== undefined && served ? [...services, 'grpc.server'] : [...services];
  if (runsGatewayWorkers(config, services)) list.push('gateway.workers');
  return list;
}

/** What a process is besides its config and services: set for a gateway worker, and for the main process of gateway workers. */
export interface ProcessWiring {
  /** This process is a gateway worker: its bus is the main process's (through a BusHub), its TCP listener the main process's. */
  worker?: { busPath: string; server: Server };
  /** The platform binary, which gateway workers are forked from (`mqp start` passes its own path). */
  workerMain?: string;
}

/** Standalone with `gateway.workers` > 1 (validateDeployment refuses workers anywhere else). */
function runsGatewayWorkers(config: MqpConfig, services: readonly ServiceName[]): boolean {
  return config.gateway.workers > 1 && isStandalone(services);
}

/**
 * `gateway.sockets` (where the gateway's TCP connections come from, see
 * TcpSource) and, in the main process of gateway workers, `gateway.workers`.
 */
function gatewaySocketModules(config: MqpConfig, services: readonly ServiceName[], wiring: ProcessWiring): ModuleDefinition<any>[] {
  if (wiring.worker) {
    const source: TcpSource = { kind: 'shared', server: wiring.worker.server };
    return [{ name: 'gateway.sockets', init: () => ({ value: source }) }];
  }
  if (!runsGatewayWorkers(config, services)) return [{ name: 'gateway.sockets', init: () => ({ value: undefined }) }];
  if (!wiring.workerMain) throw new ConfigError(['gateway.workers: more than 1 needs the mqp binary (mqp start) to fork workers from']);
  const tcp: { server?: Server } = {};
  const source: TcpSource = { kind: 'listen', onBound: (server) => (tcp.server = server) };
  return [{ name: 'gateway.sockets', init: () => ({ value: source }) }, gatewayWorkersModule(config, wiring.workerMain, tcp)];
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

/** NATS when configured; the main process's bus for a gateway worker; otherwise in-process. */
function busModule(config: MqpConfig, hubPath: string | undefined): ModuleDefinition<Bus> {
  return {
    name: 'bus',
    async init(ctx) {
      const url = config.nats.url;
      const bus: Bus = url
        ? await NatsBus.connect({ servers: url, name: 'mqp', logger: ctx.logger })
        : hubPath
          ? await HubClientBus.connect({ path: hubPath, name: `gateway worker pid ${process.pid}`, logger: ctx.logger })
          : new InProcessBus({ logger: ctx.logger });
      bus.onStateChange((state) => (state === 'connected' ? ctx.logger.info('bus connected') : ctx.logger.warn(`bus ${state}`)));
      return {
        value: bus,
        stop: () => bus.close(),
        health: () => ({ healthy: bus.state() === 'connected', detail: `bus ${bus.state()}` }),
      };
    },
  };
}
