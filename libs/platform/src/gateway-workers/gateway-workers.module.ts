import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BusHub, type Bus } from '@mqp/bus';
import type { MqpConfig } from '@mqp/config';
import type { ModuleDefinition } from '@mqp/runtime';
import { grpcServerFor } from '../grpc-server.module';
import { GatewayWorkers } from './gateway-workers';

/**
 * Standalone with `gateway.workers` N > 1: forks N-1 gateway workers once the
 * main gateway listens, shares its TCP listener with them, and serves them
 * what they need from this process over two Unix sockets in a private
 * directory (mode 0700): the bus (BusHub) and auth/session/router (gRPC). Stopped before the main gateway, so the
 * workers' wills still reach the bus.
 */
export function gatewayWorkersModule(config: MqpConfig, main: string, tcp: { server?: Server }): ModuleDefinition<GatewayWorkers> {
  return {
    name: 'gateway.workers',
    deps: ['bus', 'auth', 'session', 'router', 'gateway'],
    init(ctx) {
      const workers = new GatewayWorkers({ count: config.gateway.workers - 1, main, logger: ctx.logger });
      const grpc = grpcServerFor(['auth', 'session', 'router'], ctx);
      const hub = new BusHub(ctx.get<Bus>('bus'), { logger: ctx.logger.child('hub') });
      let dir: string | undefined;
      return {
        value: workers,
        start: async () => {
          dir = await mkdtemp(join(tmpdir(), 'mqp-workers-'));
          const busPath = join(dir, 'bus.sock');
          const grpcPath = join(dir, 'grpc.sock');
          await hub.listen(busPath);
          await grpc.start({ path: grpcPath });
          if (!tcp.server) throw new Error('the gateway has no TCP listener to share with its workers');
          await workers.start({ config, busPath, grpcPath }, tcp.server);
        },
        stop: async () => {
          await workers.stop();
          await grpc.stop();
          await hub.close();
          if (dir) await rm(dir, { recursive: true, force: true });
        },
        // a worker restarting is not a reason to take the node out of a load balancer: the main gateway takes its share meanwhile
        health: () => ({ healthy: true, detail: `${workers.readyCount()} of ${config.gateway.workers - 1} gateway workers serving` }),
      };
    },
  };
}
