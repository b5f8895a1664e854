import type { MqpConfig } from '@mqp/config';
import type { AuthApi, RouterApi, SessionApi } from '@mqp/contracts';
import {
  authGrpcHandlers,
  authServiceDefinition,
  routerGrpcHandlers,
  routerServiceDefinition,
  sessionGrpcHandlers,
  sessionServiceDefinition,
} from '@mqp/contracts';
import { GrpcServer } from '@mqp/grpc';
import type { ModuleContext, ModuleDefinition } from '@mqp/runtime';
import type { GrpcServiceName } from './targets';

/** Serves the auth/session/router services this process runs to the other processes. */
export function grpcServerModule(config: MqpConfig, served: readonly GrpcServiceName[]): ModuleDefinition<{ port(): number }> {
  return {
    name: 'grpc.server',
    deps: served,
    init(ctx) {
      const server = grpcServerFor(served, ctx);
      let port = 0;
      return {
        value: { port: () => port },
        start: async () => {
          port = await server.start({ host: config.grpc.host, port: config.grpc.port ?? 0 });
          ctx.logger.info('serving gRPC', { services: served.join(','), port });
        },
        stop: () => server.stop(),
      };
    },
  };
}

/** A gRPC server hosting `served`, each backed by the module of that name (which `ctx` must be allowed to read). */
export function grpcServerFor(served: readonly GrpcServiceName[], ctx: ModuleContext): GrpcServer {
  const server = new GrpcServer({ logger: ctx.logger });
  for (const service of served) {
    if (service === 'auth') server.addService(authServiceDefinition, authGrpcHandlers(ctx.get<AuthApi>('auth')));
    if (service === 'session') server.addService(sessionServiceDefinition, sessionGrpcHandlers(ctx.get<SessionApi>('session')));
    if (service === 'router') server.addService(routerServiceDefinition, routerGrpcHandlers(ctx.get<RouterApi>('router')));
  }
  return server;
}
