import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Bus, BusMessage, BusSubscription } from '@mqp/bus';
import type { MqpConfig } from '@mqp/config';
import { decodeGatewayCommand, subjects, type AuthApi, type RouterApi, type SessionApi } from '@mqp/contracts';
import { newId, type Message } from '@mqp/model';
import { ReasonCode } from '@mqp/protocol';
import type { Logger, MetricsRegistry, ModuleHealth } from '@mqp/runtime';
import { Connection } from './connection';
import { withDeadline } from './deadline';
import { dispatch } from './dispatcher';
import { fanOut } from './fan-out';
import type { GatewayContext } from './gateway-context';
import { createGatewayEvents } from './gateway.events';
import { createGatewayMetrics } from './gateway.metrics';
import { userPropertiesToList } from './publish-codec';
import { mayPublish, routeMessage } from './publish-pipeline';
import { SubscriptionTable } from './subscription-table';

export interface GatewayDeps {
  gatewayId: string;
  config: MqpConfig;
  bus: Bus;
  auth: AuthApi;
  session: SessionApi;
  router: RouterApi;
  metrics: MetricsRegistry;
  logger: Logger;
}

/**
 * The MQTT front door: a TCP listener, the connections it accepted (by
 * connection id), the local subscription table, and the gateway's control
 * subject (kicks from the session service).
 */
export class Gateway {
  readonly gatewayId: string;
  private readonly ctx: GatewayContext;
  private readonly connections = new Map<string, Connection>();
  private server: Server | undefined;
  private control: BusSubscription | undefined;
  private listening = false;
  /** Wills being published; stop() waits for them so they reach the bus before it closes. */
  private readonly pendingWills = new Set<Promise<void>>();

  constructor(private readonly deps: GatewayDeps) {
    this.gatewayId = deps.gatewayId;
    const metrics = createGatewayMetrics(deps.metrics, () => this.connections.size);
    this.ctx = {
      gatewayId: deps.gatewayId,
      config: deps.config.gateway,
      bus: deps.bus,
      auth: deps.auth,
      session: deps.session,
      router: deps.router,
      logger: deps.logger,
      metrics,
      events: createGatewayEvents(deps.bus, deps.logger),
      subscriptions: new SubscriptionTable(deps.bus, deps.logger, (message, headers, subs) => fanOut(metrics, message, headers, subs)),
    };
  }

  async start(): Promise<void> {
    const { ctx } = this;
    const timeout = ctx.config.serviceTimeoutMs;
    // a restarted gateway with the same id forgets what its previous life registered
    await Promise.all([
      withDeadline(ctx.session.resetGateway({ gatewayId: this.gatewayId }), timeout, 'session').catch((err: unknown) =>
        ctx.logger.warn('session resetGateway failed', { error: err }),
      ),
      withDeadline(ctx.router.resetGateway({ gatewayId: this.gatewayId }), timeout, 'router').catch((err: unknown) =>
        ctx.logger.warn('router resetGateway failed', { error: err }),
      ),
    ]);
    this.control = ctx.bus.subscribe(subjects.gatewayControl(this.gatewayId), (m) => this.onControl(m));
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    const { host, port } = this.deps.config.listeners.tcp;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => ctx.logger.error('listener error', { error: err }));
    this.listening = true;
    ctx.logger.info('MQTT listener started', { gatewayId: this.gatewayId, host, port: this.port() });
  }

  /** Safe to call more than once. */
  async stop(): Promise<void> {
    this.listening = false;
    const server = this.server;
    this.server = undefined;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    const gone = [...this.connections.values()].map(
      (conn) => new Promise<void>((resolve) => {
        if (conn.socket.destroyed) return resolve();
        conn.socket.once('close', () => resolve());
        try {
          // v5 clients are told why: DISCONNECT 0x8B Server shutting down
          conn.disconnect(ReasonCode.ServerShuttingDown, 'server_shutting_down');
        } catch {
          conn.socket.destroy();
        }
      }),
    );
    await Promise.all(gone);
    await closed;
    await Promise.all(this.pendingWills);
    this.control?.unsubscribe();
    this.control = undefined;
  }

  port(): number {
    if (!this.listening) return 0;
    const address = this.server?.address();
    return address && typeof address === 'object' ? (address as AddressInfo).port : 0;
  }

  connectionCount(): number {
    return this.connections.size;
  }

  health(): ModuleHealth {
    if (!this.listening) return { healthy: false, detail: 'not listening' };
    const state = this.ctx.bus.state();
    return state === 'connected' ? { healthy: true } : { healthy: false, detail: `bus ${state}` };
  }

  private accept(socket: Socket): void {
    try {
      const conn = new Connection(socket, this.ctx, {
        dispatch: (c, packet) => dispatch(this.ctx, c, packet),
        closed: (c) => this.closed(c),
      });
      this.connections.set(conn.id, conn);
    } catch (err) {
      this.ctx.logger.error('could not accept connection', { error: err });
      socket.destroy();
    }
  }

  /** Everything a connection held is released here, whatever closed it; nothing thrown or rejected escapes. */
  private closed(conn: Connection): void {
    const { ctx } = this;
    this.connections.delete(conn.id);
    const filters = [...conn.subscriptions.keys()];
    for (const filter of filters) ctx.subscriptions.remove(conn, filter);
    const left = conn.outbound.drain();
    // TODO(issue 3): unacknowledged QoS 1 messages go to the session for redelivery on reconnect
    if (left.length > 0) ctx.metrics.dropped.inc(left.length);
    if (conn.stateBeforeClose !== 'connected') return;

    if (conn.will && !conn.discardWill) {
      const publishing = this.publishWill(conn).finally(() => this.pendingWills.delete(publishing));
      this.pendingWills.add(publishing);
    }
    if (filters.length > 0) {
      withDeadline(ctx.router.removeRoutes({ gatewayId: this.gatewayId, filters }), ctx.config.serviceTimeoutMs, 'router').catch(
        (err: unknown) => ctx.logger.warn('removeRoutes failed', { clientId: conn.clientId, error: err }),
      );
    }
    if (conn.sessionOpened) {
      withDeadline(ctx.session.close({ clientId: conn.clientId, connectionId: conn.id }), ctx.config.serviceTimeoutMs, 'session').catch(
        (err: unknown) => ctx.logger.warn('session close failed', { clientId: conn.clientId, error: err }),
      );
    }
    ctx.events.emit({
      name: 'client.disconnected',
      timestamp: Date.now(),
      clientId: conn.clientId,
      username: conn.username,
      gatewayId: this.gatewayId,
      reason: conn.closeReason,
    });
  }

  /**
   * [MQTT-3.1.2-8] the will is published when the connection ends without a
   * normal DISCONNECT. Authorized like any PUBLISH of the client (fail closed).
   * TODO(issue 3): will delay and session-expiry interplay; wills of a gateway that dies are the session service's job.
   */
  private async publishWill(conn: Connection): Promise<void> {
    const will = conn.will;
    if (!will) return;
    try {
      if (!(await mayPublish(this.ctx, conn, will.topic))) return;
      const now = Date.now();
      const message: Message = {
        id: newId(),
        topic: will.topic,
        payload: Buffer.isBuffer(will.payload) ? will.payload : Buffer.from(will.payload),
        qos: (will.qos ?? 0) > 1 ? 1 : (will.qos ?? 0),
        retain: will.retain === true,
        origin: { clientId: conn.clientId, gatewayId: this.gatewayId },
        createdAt: now,
      };
      const p = will.properties;
      if (conn.protocolVersion === 5 && p) {
        message.properties = {};
        if (p.payloadFormatIndicator !== undefined) message.properties.payloadFormatIndicator = p.payloadFormatIndicator;
        if (p.contentType !== undefined) message.properties.contentType = p.contentType;
        if (p.responseTopic !== undefined) message.properties.responseTopic = p.responseTopic;
        if (p.correlationData !== undefined) message.properties.correlationData = p.correlationData;
        const user = userPropertiesToList(p.userProperties);
        if (user) message.properties.userProperties = user;
        if (p.messageExpiryInterval !== undefined) {
          message.properties.messageExpiryInterval = p.messageExpiryInterval;
          message.expiresAt = now + p.messageExpiryInterval * 1000;
        }
      }
      await routeMessage(this.ctx, message);
    } catch (err) {
      this.ctx.logger.warn('will not published', { clientId: conn.clientId, error: err });
    }
  }

  private onControl(m: BusMessage): void {
    try {
      const cmd = decodeGatewayCommand(m.data);
      if (cmd.kind !== 'kick') return;
      const conn = this.connections.get(cmd.connectionId);
      if (!conn || conn.clientId !== cmd.clientId) return;
      // [MQTT-3.1.4-2] the existing connection of a client id that connects again is closed (v5: DISCONNECT 0x8E first)
      conn.disconnect(cmd.reasonCode, 'kicked');
    } catch (err) {
      this.ctx.logger.warn('bad gateway command', { error: err });
    }
  }
}
