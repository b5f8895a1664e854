import { hostname } from 'node:os';
import type { Bus } from '@mqp/bus';
import type { MqpConfig } from '@mqp/config';
import type { AuthApi, RouterApi, SessionApi } from '@mqp/contracts';
import type { MetricsRegistry, ModuleDefinition } from '@mqp/runtime';
import { Gateway } from './gateway';
import type { TcpSource } from './listeners/tcp-source';

/** What other modules (management, tests) get from the gateway. */
export interface GatewayHandle {
  gatewayId: string;
  /** The bound TCP port (useful with `listeners.tcp.port: 0`). */
  port(): number;
  /** The bound port of each enabled listener (`listeners.{tcp,tls,ws,wss}`; port 0 in config = a free port). */
  ports(): { tcp?: number; tls?: number; ws?: number; wss?: number };
  connectionCount(): number;
}

/** `<hostname>-<pid>` unless configured, reduced to the characters a bus subject token may safely hold. */
export function gatewayIdFrom(config: MqpConfig): string {
  const raw = config.gateway.id ?? `${hostname()}-${process.pid}`;
  return raw.replace(/[^A-Za-z0-9_-]/g, '_');
}

export const gatewayModule: ModuleDefinition<GatewayHandle> = {
  name: 'gateway',
  // `gateway.sockets`: a TcpSource, or undefined to bind listeners.tcp
  deps: ['config', 'bus', 'metrics', 'auth.api', 'session.api', 'router.api', 'gateway.sockets'],
  init(ctx) {
    const config = ctx.get<MqpConfig>('config');
    const gateway = new Gateway({
      gatewayId: gatewayIdFrom(config),
      config,
      bus: ctx.get<Bus>('bus'),
      metrics: ctx.get<MetricsRegistry>('metrics'),
      auth: ctx.get<AuthApi>('auth.api'),
      session: ctx.get<SessionApi>('session.api'),
      router: ctx.get<RouterApi>('router.api'),
      logger: ctx.logger,
      tcpSource: ctx.get<TcpSource | undefined>('gateway.sockets'),
    });
    return {
      value: {
        gatewayId: gateway.gatewayId,
        port: () => gateway.port(),
        ports: () => gateway.ports(),
        connectionCount: () => gateway.connectionCount(),
      },
      start: () => gateway.start(),
      stop: () => gateway.stop(),
      health: () => gateway.health(),
    };
  },
};
