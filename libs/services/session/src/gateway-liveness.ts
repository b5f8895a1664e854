import type { Bus, BusSubscription } from '@mqp/bus';
import { decodeGatewayHeartbeat, subjects } from '@mqp/contracts';
import type { Logger } from '@mqp/runtime';

/** Heartbeats a gateway may miss before it counts as dead (3: one lost or late message is not a death). */
export const MISSED_HEARTBEATS = 3;

export interface GatewayLivenessOptions {
  bus: Bus;
  logger: Logger;
  now: () => number;
  /** The heartbeat interval assumed for a gateway not heard yet (config `gateway.heartbeatIntervalMs`); a heartbeat brings its own. */
  intervalMs: number;
  /** How often silence is checked; the interval by default (tests with a fake clock check more often). */
  checkEveryMs?: number;
  /**
   * The gateway is gone. `startedAt` undefined: it fell silent, every
   * connection it had ended. Defined: it came back with this new life, the
   * connections of its earlier lives ended.
   */
  onGone(gatewayId: string, startedAt: number | undefined): void;
  /**
   * A gateway reported gone for its silence is heard again. `sameLife`: it was only cut off from the bus and still
   * holds the connections that were ended for it; otherwise it restarted and they died with its earlier life.
   */
  onHeardAfterSilence?(gatewayId: string, sameLife: boolean): void;
}

interface KnownGateway {
  /** Undefined until its first heartbeat (known only from a connection it opened). */
  startedAt: number | undefined;
  lastSeen: number;
  intervalMs: number;
}

/**
 * Tracks gateways by their heartbeats (`mqp.gateway.heartbeat`, see
 * GatewayHeartbeatPublisher): one silent for MISSED_HEARTBEATS intervals, or
 * back with a new `startedAt`, is reported gone. While this process is off
 * the bus it hears nobody, so the clocks stop: on reconnection every gateway
 * gets a fresh allowance (a NATS restart kills no gateway).
 */
export class GatewayLiveness {
  // gateway id → what we know; ids arrive from the bus: a Map.
  private readonly gateways = new Map<string, KnownGateway>();
  // gateway id → the life declared dead for its silence (undefined: never heard, so any life that speaks next)
  private readonly silenced = new Map<string, number | undefined>();
  private subscription: BusSubscription | undefined;
  private timer: NodeJS.Timeout | undefined;
  private offBus = false;

  constructor(private readonly options: GatewayLivenessOptions) {}

  start(): void {
    const { bus } = this.options;
    this.subscription = bus.subscribe(subjects.gatewayHeartbeat, (m) => this.heard(m.data));
    bus.onStateChange((state) => {
      if (state !== 'connected') {
        this.offBus = true;
        return;
      }
      if (!this.offBus) return;
      this.offBus = false;
      const now = this.options.now();
      for (const g of this.gateways.values()) g.lastSeen = now;
    });
    this.timer = setInterval(() => this.check(), this.options.checkEveryMs ?? this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  /**
   * A gateway holds a connection: from now on it must be heard from. One not
   * heard yet (a session restored after a restart of this service) gets a full
   * allowance from now.
   */
  expect(gatewayId: string): void {
    if (this.gateways.has(gatewayId)) return;
    this.gateways.set(gatewayId, { startedAt: undefined, lastSeen: this.options.now(), intervalMs: this.options.intervalMs });
  }

  /** Declares silent gateways gone (called by the timer; tests call it after moving their clock). */
  check(): void {
    if (this.offBus || this.options.bus.state() !== 'connected') return;
    const now = this.options.now();
    for (const [gatewayId, g] of [...this.gateways]) {
      if (now - g.lastSeen <= MISSED_HEARTBEATS * g.intervalMs) continue;
      this.gateways.delete(gatewayId);
      this.silenced.set(gatewayId, g.startedAt);
      this.options.logger.warn('gateway silent: ending its connections', { gatewayId, silentMs: now - g.lastSeen });
      this.report(gatewayId, undefined);
    }
  }

  private heard(data: Uint8Array): void {
    try {
      const hb = decodeGatewayHeartbeat(data);
      const now = this.options.now();
      const known = this.gateways.get(hb.gatewayId);
      if (known && known.startedAt !== undefined && hb.startedAt < known.startedAt) return; // a late beat of an earlier life
      this.gateways.set(hb.gatewayId, { startedAt: hb.startedAt, lastSeen: now, intervalMs: hb.intervalMs });
      if (this.silenced.has(hb.gatewayId)) {
        const silencedLife = this.silenced.get(hb.gatewayId);
        this.silenced.delete(hb.gatewayId);
        // the same life speaking again was cut off, not dead (a new life's connections died with the old one)
        const sameLife = silencedLife === undefined || silencedLife === hb.startedAt;
        if (sameLife) this.options.logger.warn('gateway declared dead is back: closing the connections ended for it', { gatewayId: hb.gatewayId });
        this.options.onHeardAfterSilence?.(hb.gatewayId, sameLife);
        if (sameLife) return;
      }
      // a new life (or the first beat heard from a gateway known only by its connections): earlier lives' connections are gone
      if (known && known.startedAt !== hb.startedAt) {
        if (known.startedAt !== undefined) this.options.logger.warn('gateway restarted: ending the connections of its previous life', { gatewayId: hb.gatewayId });
        this.report(hb.gatewayId, hb.startedAt);
      }
    } catch (err) {
      this.options.logger.warn('bad gateway heartbeat', { err });
    }
  }

  private report(gatewayId: string, startedAt: number | undefined): void {
    try {
      this.options.onGone(gatewayId, startedAt);
    } catch (err) {
      this.options.logger.error('gateway loss not handled', { gatewayId, err });
    }
  }
}
