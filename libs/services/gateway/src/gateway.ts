import type { Bus, BusMessage, BusSubscription } from '@mqp/bus';
import { separateGatewayProcesses, type MqpConfig } from '@mqp/config';
import { decodeAuthChanged, decodeGatewayCommand, subjects, type AuthApi, type AuthChangedEvent, type CloseSessionRequest, type RouterApi, type SessionApi, type SessionMessage } from '@mqp/contracts';
import type { Message } from '@mqp/model';
import { ReasonCode } from '@mqp/protocol';
import type { Logger, MetricsRegistry, ModuleHealth } from '@mqp/runtime';
import { authorizeRequest } from './authorize-request';
import { banMatches } from './ban-matcher';
import { Connection, type ConnectionHooks } from './connection';
import { withDeadline } from './deadline';
import { DeadlineWheel } from './deadline-wheel';
import { dispatch } from './dispatcher';
import { fanOut, forwardArrival } from './fan-out';
import type { OutboundPublish } from './outbound-queue';
import type { GatewayContext } from './gateway-context';
import { createGatewayEvents } from './gateway.events';
import { createGatewayMetrics } from './gateway.metrics';
import { createListeners } from './listeners/listeners';
import type { AcceptedTransport, Listener, TransportName } from './listeners/transport';
import type { TcpSource } from './listeners/tcp-source';
import { routeMessage, withPublishSpan } from './publish-pipeline';
import { sessionSubscriptionsOf } from './session-restore';
import { SharedSubscriptions } from './shared-subscriptions';
import { SubscriptionTable } from './subscription-table';
import { SysStatsPublisher } from './sys-stats';
import { TokenBucket } from './token-bucket';
import { reportRoutes } from './route-report';
import { willMessage } from './will-message';
import { GatewayHeartbeatPublisher } from './gateway-heartbeat';
import { CaptureConfirmations } from './capture-confirmations';

export interface GatewayDeps {
  gatewayId: string;
  config: MqpConfig;
  bus: Bus;
  auth: AuthApi;
  session: SessionApi;
  router: RouterApi;
  metrics: MetricsRegistry;
  logger: Logger;
  /** Where plain-TCP connections come from; bind `listeners.tcp` when absent. */
  tcpSource?: TcpSource;
}

/**
 * The MQTT front door: its listeners (TCP, TLS, WS, WSS), the connections they accepted (by
 * connection id), the local subscription table, and the gateway's control
 * subject (kicks from the session service).
 */
export class Gateway {
  readonly gatewayId: string;
  private readonly ctx: GatewayContext;
  private readonly connections = new Map<string, Connection>();
  private listeners: Listener[] = [];
  private control: BusSubscription | undefined;
  private authChanges: BusSubscription | undefined;
  /** One CONNECT rate bucket per listener (`gateway.maxConnectRate`). */
  private readonly connectRates = new Map<TransportName, TokenBucket>();
  private listening = false;
  private stopping = false;
  /**
   * What closed connections still owe the bus and the services (wills,
   * session hand-overs and closes, route removals); stop() waits for it, so
   * it gets there before the bus and the service clients close.
   */
  private readonly afterClose = new Set<Promise<unknown>>();
  private readonly sysStats: SysStatsPublisher;
  /** Distributed mode and gateway workers only: tells the session service this gateway (and so its connections) is alive. */
  private readonly heartbeat: GatewayHeartbeatPublisher | undefined;
  /** Distributed mode only: QoS 1/2 messages for offline sessions acknowledged once stored by the session service. */
  private readonly captures: CaptureConfirmations | undefined;
  /** One hooks object for every connection, not two closures each (issue 6: memory per idle connection). */
  private readonly connectionHooks: ConnectionHooks = {
    dispatch: (c, packet) => dispatch(this.ctx, c, packet),
    closed: (c) => this.closed(c),
  };

  constructor(private readonly deps: GatewayDeps) {
    this.gatewayId = deps.gatewayId;
    const metrics = createGatewayMetrics(deps.metrics, () => this.connections.size);
    this.sysStats = new SysStatsPublisher(deps.gatewayId, deps.bus, deps.metrics, deps.logger, deps.config.gateway.sysIntervalMs);
    const startedAt = Date.now();
    if (separateGatewayProcesses(deps.config)) {
      this.heartbeat = new GatewayHeartbeatPublisher(deps.gatewayId, startedAt, deps.bus, deps.logger, deps.config.gateway.heartbeatIntervalMs);
    }
    // A gateway worker's bus settles through the main process's bus, captures included; over NATS it cannot.
    if (deps.config.nats.url !== undefined) this.captures = new CaptureConfirmations(deps.bus, deps.gatewayId, deps.logger);
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
      ...(this.captures ? { captures: this.captures } : {}),
      subscriptions: new SubscriptionTable(
        deps.bus,
        deps.logger,
        (message, headers, subs, arrival) => fanOut(metrics, message, headers, subs, arrival),
        new SharedSubscriptions(
          deps.bus,
          deps.logger,
          (message, headers, member, group) => fanOut(metrics, message, headers, [member], undefined, group),
          () => metrics.dropped.inc(),
        ),
        (arrival, headers, subs) => forwardArrival(metrics, arrival, headers, subs),
      ),
      maxSessionExpiry: deps.config.session.maxExpiryInterval,
      startedAt,
      deadlines: new DeadlineWheel<Connection>(Connection.deadlineReached),
      queueLimits: { maxMessages: deps.config.session.maxQueuedMessages, maxBytes: deps.config.session.maxQueuedBytes },
      takeConnect: (transport) => {
        let bucket = this.connectRates.get(transport);
        if (!bucket) {
          bucket = new TokenBucket(deps.config.gateway.maxConnectRate);
          this.connectRates.set(transport, bucket);
        }
        return bucket.take();
      },
    };
  }

  async start(): Promise<void> {
    const { ctx } = this;
    const timeout = ctx.config.serviceTimeoutMs;
    // announced before anything else: the session service learns of a restart before this life's first client opens a session
    await this.heartbeat?.start();
    this.captures?.start();
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
    this.authChanges = ctx.bus.subscribe(subjects.authChanged, (m) => this.onAuthChanged(m));
    this.listeners = createListeners(this.deps.config, (accepted) => this.accept(accepted), ctx.logger, this.deps.tcpSource);
    try {
      await Promise.all(this.listeners.map((l) => l.start()));
    } catch (err) {
      this.heartbeat?.stop();
      await Promise.all(this.listeners.map((l) => l.close()));
      throw err;
    }
    this.listening = true;
    this.sysStats.start();
    ctx.logger.info('MQTT listeners started', { gatewayId: this.gatewayId, ...this.ports() });
  }

  /** Safe to call more than once. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.sysStats.stop();
    this.listening = false;
    const listeners = this.listeners;
    this.listeners = [];
    const closed = Promise.all(listeners.map((l) => l.stopAccepting()));
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
    // what is left are handshakes that never finished
    await Promise.all(listeners.map((l) => l.close()));
    await closed;
    await Promise.all(this.afterClose);
    this.ctx.deadlines.clear();
    // silent only once every connection has been handed over: the session service has nothing of ours left to end
    this.heartbeat?.stop();
    this.captures?.stop();
    this.control?.unsubscribe();
    this.control = undefined;
    this.authChanges?.unsubscribe();
    this.authChanges = undefined;
  }

  /** The bound TCP port; 0 when not listening. */
  port(): number {
    return this.ports().tcp ?? 0;
  }

  /** The bound port of each enabled listener. */
  ports(): Partial<Record<TransportName, number>> {
    const ports: Partial<Record<TransportName, number>> = {};
    if (!this.listening) return ports;
    for (const l of this.listeners) ports[l.transport] = l.port();
    return ports;
  }

  connectionCount(): number {
    return this.connections.size;
  }

  health(): ModuleHealth {
    if (!this.listening) return { healthy: false, detail: 'not listening' };
    const down = this.listeners.filter((l) => !l.listening()).map((l) => l.transport);
    if (down.length > 0) return { healthy: false, detail: `not listening: ${down.join(', ')}` };
    const state = this.ctx.bus.state();
    return state === 'connected' ? { healthy: true } : { healthy: false, detail: `bus ${state}` };
  }

  private accept({ socket, clientCertificate, transport }: AcceptedTransport): void {
    try {
      if (this.stopping) {
        // stopping: a handshake that finished now is not started as an MQTT connection
        socket.destroy();
        return;
      }
      const conn = new Connection(socket, this.ctx, this.connectionHooks);
      conn.clientCertificate = clientCertificate;
      conn.transport = transport;
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
    if (conn.sessionOpened && conn.sessionExpiry > 0 && conn.stateBeforeClose === 'connected') {
      // the session outlives the connection: hand it to the session service (awaited by stop())
      conn.suspending = true;
      this.owe(this.closePersistent(conn));
      return;
    }
    const filters = [...conn.subscriptions.keys()];
    for (const filter of filters) ctx.subscriptions.remove(conn, filter);
    const left = conn.outbound.drain();
    // the session ends with the connection (expiry 0): what was not acknowledged has no one left to receive it
    if (left.length > 0) ctx.metrics.dropped.inc(left.length);
    if (conn.stateBeforeClose !== 'connected') return;

    if (conn.will && !conn.discardWill) this.owe(this.publishWill(conn));
    if (filters.length > 0) this.owe(reportRoutes(ctx, 'remove', filters, conn.clientId));
    if (conn.sessionOpened) {
      const req: CloseSessionRequest = { clientId: conn.clientId, connectionId: conn.id };
      if (conn.sessionExpiryChanged) req.sessionExpiryInterval = conn.sessionExpiry;
      this.owe(
        withDeadline(ctx.session.close(req), ctx.config.serviceTimeoutMs, 'session').catch((err: unknown) =>
          ctx.logger.warn('session close failed', { clientId: conn.clientId, error: err }),
        ),
      );
    }
    this.emitDisconnected(conn);
  }

  /** Keeps `work` (which never rejects) in `afterClose` until it is done. */
  private owe(work: Promise<unknown>): void {
    const tracked = work.finally(() => this.afterClose.delete(tracked));
    this.afterClose.add(tracked);
  }

  private emitDisconnected(conn: Connection): void {
    this.ctx.events.emit({
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
   * A will with a delay is handed to the session service instead (closePersistent).
   */
  private async publishWill(conn: Connection): Promise<void> {
    try {
      await withPublishSpan(undefined, async () => {
        const message = await this.willMessage(conn);
        if (message) await routeMessage(this.ctx, message);
      });
    } catch (err) {
      this.ctx.logger.warn('will not published', { clientId: conn.clientId, error: err });
    }
  }

  /**
   * A persistent session's connection ended. ARCHITECTURE.md "Offline
   * persistent sessions": the session service starts capturing first; the
   * connection keeps collecting (unsent) until its own bus subscriptions are
   * gone; then everything unacknowledged (with packet ids), unsent and
   * awaiting PUBREL goes to the session service with `close`, duplicates of
   * the capture removed there by message id.
   */
  private async closePersistent(conn: Connection): Promise<void> {
    const { ctx } = this;
    const timeout = ctx.config.serviceTimeoutMs;
    const filters = [...conn.subscriptions.keys()];
    try {
      // shared subscriptions are not kept by a session: their messages go to the other members (MQTT 5.0 §4.8.2)
      const subscriptions = sessionSubscriptionsOf(conn.subscriptions.values());
      await withDeadline(ctx.session.suspend({ clientId: conn.clientId, connectionId: conn.id, subscriptions }), timeout, 'session');
    } catch (err) {
      ctx.logger.warn('session suspend failed: messages for the session may be lost until it resumes', { clientId: conn.clientId, error: err });
    }
    for (const filter of filters) ctx.subscriptions.remove(conn, filter);
    // every message the bus sent to our subscriptions before they went has been handled once this returns
    await ctx.bus.flush().catch(() => undefined);
    conn.suspending = false;
    const left = conn.outbound.takeAll();
    const toSession = (p: OutboundPublish): SessionMessage | undefined => (p.message ? { message: p.message, qos: p.qos } : undefined);
    const req: CloseSessionRequest = {
      clientId: conn.clientId,
      connectionId: conn.id,
      handOver: {
        inflight: left.inflight.flatMap((e) => {
          const m = toSession(e.publish);
          return m ? [{ ...m, packetId: e.packetId, released: e.released }] : [];
        }),
        queued: left.queued.flatMap((p) => toSession(p) ?? []),
        awaitingRel: [...conn.awaitingRel.keys()],
      },
    };
    if (conn.sessionExpiryChanged) req.sessionExpiryInterval = conn.sessionExpiry;
    if (conn.will && !conn.discardWill) {
      // MQTT 5.0 §3.1.3.2.2: the will waits min(Will Delay Interval, Session Expiry Interval); no delay: published now
      const delay = Math.min(conn.protocolVersion === 5 ? (conn.will.properties?.willDelayInterval ?? 0) : 0, conn.sessionExpiry);
      if (delay === 0) await this.publishWill(conn);
      else {
        const message = await this.willMessage(conn).catch(() => undefined);
        if (message) req.will = { message, delaySeconds: delay };
      }
    }
    reportRoutes(ctx, 'remove', filters, conn.clientId);
    try {
      await withDeadline(ctx.session.close(req), timeout, 'session');
    } catch (err) {
      ctx.metrics.dropped.inc(left.inflight.length + left.queued.length);
      ctx.logger.warn('session close failed: its undelivered messages are lost', { clientId: conn.clientId, error: err });
    }
    this.emitDisconnected(conn);
  }

  /** The will as a message, if the client may publish to its topic (fail closed). */
  private willMessage(conn: Connection): Promise<Message | undefined> {
    return willMessage(this.ctx, conn);
  }

  /**
   * The auth service's rules or bans changed: every cached decision goes, a
   * client the new ban names is disconnected (0x8A Banned), and each live
   * subscription is authorized again; one no longer allowed is removed, so
   * the revoked right stops deliveries at once.
   */
  private onAuthChanged(m: BusMessage): void {
    try {
      let event: AuthChangedEvent;
      try {
        event = decodeAuthChanged(m.data);
      } catch (err) {
        // whatever changed, re-checking everything is the safe answer
        this.ctx.logger.warn('bad auth change event: re-checking every connection', { error: err });
        event = { kind: 'acl' };
      }
      for (const conn of this.connections.values()) {
        conn.forgetAuthorizations();
        if (!conn.connected) continue;
        if (event.ban && banMatches(event.ban, conn)) {
          this.ctx.logger.warn('client disconnected: banned', { clientId: conn.clientId, username: conn.username, remoteAddress: conn.remoteAddress, ban: `${event.ban.kind} ${event.ban.value}` });
          // 0x8A Banned exists only in CONNACK (MQTT 5.0 §3.14.2.1): a live client gets 0x98 Administrative action, as EMQX kicks
          conn.disconnect(ReasonCode.AdministrativeAction, 'banned');
          continue;
        }
        if (event.kind !== 'ban' && conn.hasSubscriptions) void this.recheckSubscriptions(conn);
      }
    } catch (err) {
      this.ctx.logger.warn('auth change not applied', { error: err });
    }
  }

  /** Never rejects. An auth service that cannot answer leaves the subscriptions as they are (logged): the next change re-checks. */
  private async recheckSubscriptions(conn: Connection): Promise<void> {
    const { ctx } = this;
    const removed: string[] = [];
    for (const sub of [...conn.subscriptions.values()]) {
      let allow: boolean;
      try {
        const req = authorizeRequest(conn, 'subscribe', sub.share?.filter ?? sub.filter);
        allow = (await withDeadline(ctx.auth.authorize(req), ctx.config.serviceTimeoutMs, 'auth')).allow;
      } catch (err) {
        ctx.logger.warn('subscription not re-checked: auth unavailable', { clientId: conn.clientId, filter: sub.filter, error: err });
        continue;
      }
      // the client may have unsubscribed, re-subscribed or gone while we asked
      if (allow || conn.isClosed || conn.subscriptions.get(sub.filter) !== sub) continue;
      conn.subscriptions.delete(sub.filter);
      ctx.subscriptions.remove(conn, sub.filter);
      removed.push(sub.filter);
      ctx.logger.info('subscription revoked: no longer authorized', { clientId: conn.clientId, filter: sub.filter });
    }
    reportRoutes(ctx, 'remove', removed, conn.clientId);
  }

  private onControl(m: BusMessage): void {
    try {
      const cmd = decodeGatewayCommand(m.data);
      if (cmd.kind !== 'kick') return;
      const conn = this.connections.get(cmd.connectionId);
      if (!conn || conn.clientId !== cmd.clientId) return;
      if (cmd.ended) {
        // we were declared dead while cut off from the bus: the session service published this connection's will and
        // took its session over, so closing it must do neither again (the client reconnects and finds its session)
        conn.discardWill = true;
        conn.sessionOpened = false;
      }
      // [MQTT-3.1.4-2] the existing connection of a client id that connects again is closed (v5: DISCONNECT 0x8E first)
      conn.disconnect(cmd.reasonCode, cmd.ended ? 'cut_off' : 'kicked');
    } catch (err) {
      this.ctx.logger.warn('bad gateway command', { error: err });
    }
  }
}
