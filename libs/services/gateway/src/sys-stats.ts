import type { Bus } from '@mqp/bus';
import { lazyMessage, subjects } from '@mqp/contracts';
import { newId, type Message } from '@mqp/model';
import type { Logger, MetricsRegistry } from '@mqp/runtime';

/** TODO(runtime): a build-time version belongs in libs/runtime; kept equal to package.json until then. */
export const MQP_VERSION = '0.1.0';

/**
 * `$SYS/brokers/<gatewayId>/...` statistics, published by the gateway every
 * `intervalMs` (Mosquitto's `sys_interval` default is 10 s).
 *
 * Not retained, as EMQX does (`$SYS/brokers/<node>/...`, every 60 s), rather
 * than retained as Mosquitto does: retained messages here are cluster-wide
 * and durable, and gateway ids change with every restart (`<host>-<pid>`),
 * so retained stats would pile up for gateways long gone. A subscriber gets
 * the next round within one interval.
 *
 * The messages go straight on the bus: they are the broker's own, so they
 * bypass the publish ACL (clients may never publish to `$` topics); who may
 * read them is the subscribe ACL's business (`$SYS/#` is for superusers).
 */
export class SysStatsPublisher {
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt = Date.now();

  constructor(
    private readonly gatewayId: string,
    private readonly bus: Bus,
    private readonly metrics: MetricsRegistry,
    private readonly logger: Logger,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => this.publishNow(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The topics and values of one round (also what tests check). */
  snapshot(now = Date.now()): [string, string][] {
    const base = `$SYS/brokers/${this.gatewayId}`;
    const value = (name: string): string => String(this.metrics.value(name) ?? 0);
    return [
      [`${base}/version`, MQP_VERSION],
      [`${base}/uptime`, String(Math.floor((now - this.startedAt) / 1000))],
      [`${base}/clients/connected`, value('mqp_connections')],
      [`${base}/messages/received`, value('mqp_messages_received_total')],
      [`${base}/messages/sent`, value('mqp_messages_delivered_total')],
      [`${base}/messages/dropped`, value('mqp_messages_dropped_total')],
    ];
  }

  publishNow(): void {
    try {
      const now = Date.now();
      for (const [topic, value] of this.snapshot(now)) {
        const message: Message = {
          id: newId(),
          topic,
          payload: Buffer.from(value, 'utf8'),
          qos: 0,
          retain: false,
          origin: { clientId: '', gatewayId: this.gatewayId },
          createdAt: now,
        };
        this.bus.publish(subjects.message(topic), lazyMessage(message));
      }
    } catch (err) {
      // the bus is down: the next round tries again
      this.logger.debug('$SYS statistics not published', { error: err });
    }
  }
}
