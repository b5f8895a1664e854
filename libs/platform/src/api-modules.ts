import type { Client } from '@grpc/grpc-js';
import type { MqpConfig } from '@mqp/config';
import { AuthGrpcClient, grpcServiceNames, RouterGrpcClient, SessionGrpcClient } from '@mqp/contracts';
import { createChannel, HealthWatcher } from '@mqp/grpc';
import type { ModuleDefinition } from '@mqp/runtime';
import type { GrpcServiceName } from './targets';

/** `<service>.api` backed by the service running in this process. */
export function localApiModule(service: GrpcServiceName): ModuleDefinition {
  return { name: `${service}.api`, deps: [service], init: (ctx) => ({ value: ctx.get(service) }) };
}

const CLIENTS = {
  auth: AuthGrpcClient,
  session: SessionGrpcClient,
  router: RouterGrpcClient,
} satisfies Record<GrpcServiceName, new (target: Client, options: { deadlineMs?: number }) => unknown>;

/**
 * `<service>.api` backed by a gRPC client to another process. Its health
 * (polled with the standard gRPC health check) feeds `/ready`, and a change is
 * logged, so an operator sees which service is down. Calls while it is down
 * fail with ServiceUnavailableError, which the gateway turns into refusals:
 * fail closed.
 */
export function remoteApiModule(service: GrpcServiceName, config: MqpConfig): ModuleDefinition {
  return {
    name: `${service}.api`,
    init(ctx) {
      const address = config.services[service]?.address;
      if (!address) throw new Error(`services.${service}.address is not set`);
      const channel = createChannel(address);
      const client = new CLIENTS[service](channel, { deadlineMs: config.gateway.serviceTimeoutMs });
      const watcher = new HealthWatcher({ target: channel, service: grpcServiceNames[service], logger: ctx.logger });
      return {
        value: client,
        // The first probe decides the initial health, but a service that is
        // not up yet must not stop this process from starting: it may come later.
        start: () => watcher.start(),
        stop: async () => {
          watcher.stop();
          channel.close();
        },
        health: () => ({ healthy: watcher.healthy(), detail: `${service} at ${address} ${watcher.healthy() ? 'serving' : 'unreachable'}` }),
      };
    },
  };
}
