import type { Bus } from '@mqp/bus';
import { encodeGatewayHeartbeat, subjects } from '@mqp/contracts';
import type { Logger } from '@mqp/runtime';

/**
 * Announces this gateway on `mqp.gateway.heartbeat` every `intervalMs`
 * (config `gateway.heartbeatIntervalMs`). The session service treats a gateway
 * that falls silent, or comes back with a new `startedAt`, as dead with all
 * its connections: it publishes their wills, since this process no longer
 * can [MQTT-3.1.2-8]. Distributed mode only: in one process the gateway and
 * the session service live and die together.
 */
export class GatewayHeartbeatPublisher {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly gatewayId: string,
    /** Milliseconds since the epoch when this gateway process started; a new value tells listeners it restarted. */
    readonly startedAt: number,
    private readonly bus: Bus,
    private readonly logger: Logger,
    private readonly intervalMs: number,
  ) {}

  /**
   * Announces this life at once (so a restart is known before the first
   * client of the new life connects), then every interval. Resolves once the
   * first heartbeat reached the bus, or failed to (never rejects).
   */
  async start(): Promise<void> {
    if (this.timer) return;
    this.timer = setInterval(() => this.beat(), this.intervalMs);
    this.timer.unref();
    this.beat();
    await this.bus.flush().catch(() => undefined);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  beat(): void {
    try {
      this.bus.publish(subjects.gatewayHeartbeat, encodeGatewayHeartbeat({ gatewayId: this.gatewayId, startedAt: this.startedAt, intervalMs: this.intervalMs }));
    } catch (err) {
      // the bus is down: listeners pause their clocks until they are back on it too
      this.logger.debug('gateway heartbeat not published', { error: err });
    }
  }
}
