import * as protoLoader from '@grpc/proto-loader';
import { status, type Client, type ServerUnaryCall, type ServerWritableStream, type sendUnaryData, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { healthDescriptor } from './generated/health.descriptor';
import { GrpcClient } from './client';
import type { GrpcLogger, UnaryMethod } from './grpc.types';

/**
 * The standard gRPC health service (grpc.health.v1), so that probes and
 * other services can ask whether a service is up: `Check` answers once,
 * `Watch` streams every change. Service name `''` is the server as a whole.
 */
export type ServingStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

export interface HealthCheckRequest {
  service?: string;
}

export interface HealthCheckResponse {
  status: ServingStatus;
}

export interface HealthDefinition {
  Check: UnaryMethod<HealthCheckRequest, HealthCheckResponse, Required<HealthCheckRequest>, HealthCheckResponse>;
  Watch: UnaryMethod<HealthCheckRequest, HealthCheckResponse, Required<HealthCheckRequest>, HealthCheckResponse>;
}

export const HEALTH_SERVICE_NAME = 'grpc.health.v1.Health';

// The descriptor is plain JSON data; its inferred literal type is narrower
// than protobufjs's INamespace in ways that do not matter (e.g. readonly-ness).
type Descriptor = Parameters<typeof protoLoader.fromJSON>[0];

export const healthDefinition = protoLoader.fromJSON(healthDescriptor as unknown as Descriptor, {
  keepCase: false,
  enums: String,
  defaults: true,
})[HEALTH_SERVICE_NAME] as unknown as HealthDefinition;

type Watcher = (status: ServingStatus) => void;

/** Server side: the serving status of each service, and the streams watching them. */
export class HealthRegistry {
  private readonly statuses = new Map<string, ServingStatus>();
  private readonly watchers = new Map<string, Set<Watcher>>();
  private readonly streams = new Set<ServerWritableStream<unknown, HealthCheckResponse>>();

  set(service: string, serving: boolean): void {
    const next: ServingStatus = serving ? 'SERVING' : 'NOT_SERVING';
    if (this.statuses.get(service) === next) return;
    this.statuses.set(service, next);
    for (const watcher of this.watchers.get(service) ?? []) watcher(next);
  }

  get(service: string): ServingStatus | undefined {
    return this.statuses.get(service);
  }

  /** Every known service NOT_SERVING (watchers are told), then every Watch stream ended so shutdown is not held up. */
  shutdown(): void {
    for (const service of this.statuses.keys()) this.set(service, false);
    for (const stream of this.streams) stream.end();
    this.streams.clear();
    this.watchers.clear();
  }

  implementation(logger: GrpcLogger): UntypedServiceImplementation {
    return {
      Check: (call: ServerUnaryCall<Required<HealthCheckRequest>, HealthCheckResponse>, callback: sendUnaryData<HealthCheckResponse>) => {
        const current = this.statuses.get(call.request.service);
        if (current === undefined) callback({ code: status.NOT_FOUND, details: `unknown service "${call.request.service}"` });
        else callback(null, { status: current });
      },
      Watch: (call: ServerWritableStream<Required<HealthCheckRequest>, HealthCheckResponse>) => {
        const service = call.request.service;
        const send: Watcher = (s) => {
          try {
            call.write({ status: s });
          } catch (err) {
            logger.debug('health watch write failed', { service, error: err });
          }
        };
        let set = this.watchers.get(service);
        if (!set) this.watchers.set(service, (set = new Set()));
        const watchers = set;
        watchers.add(send);
        this.streams.add(call as ServerWritableStream<unknown, HealthCheckResponse>);
        call.on('cancelled', () => {
          watchers.delete(send);
          this.streams.delete(call as ServerWritableStream<unknown, HealthCheckResponse>);
        });
        send(this.statuses.get(service) ?? 'SERVICE_UNKNOWN');
      },
    };
  }
}

export interface HealthCheckOptions {
  /** Default 1 s: a probe must answer well inside the poll interval. */
  timeoutMs?: number;
}

/**
 * Whether `service` on `target` answers SERVING. Any failure (unreachable,
 * unknown service, timeout) is `false`: this is for readiness, which fails
 * closed.
 */
export async function checkHealth(target: string | Client | GrpcClient, service: string, options: HealthCheckOptions = {}): Promise<boolean> {
  const client = target instanceof GrpcClient ? target : new GrpcClient(target, { retryBackoffMs: [] });
  try {
    const response = await client.unary(healthDefinition.Check, { service }, { deadlineMs: options.timeoutMs ?? 1_000, trace: false });
    return response.status === 'SERVING';
  } catch {
    return false;
  } finally {
    if (client !== target) client.close();
  }
}

export interface HealthWatcherOptions extends HealthCheckOptions {
  /** Address (`host:port`) or a shared channel of the remote service. */
  target: string | Client;
  /** Fully qualified service name, e.g. `mqp.auth.v1.Auth`. */
  service: string;
  /** Default 2 s. */
  intervalMs?: number;
  /** Called with the first result and then on every change. */
  onChange?: (healthy: boolean, service: string) => void;
  logger?: GrpcLogger;
}

/**
 * Polls a remote service's health so the platform can report it in `/ready`
 * and in logs. Unhealthy until the first probe says otherwise: a service we
 * have not heard from is not ready.
 */
export class HealthWatcher {
  private readonly client: GrpcClient;
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private current: boolean | undefined;

  constructor(private readonly options: HealthWatcherOptions) {
    this.client = new GrpcClient(options.target, { retryBackoffMs: [] });
    this.intervalMs = options.intervalMs ?? 2_000;
  }

  healthy(): boolean {
    return this.current === true;
  }

  /** Starts polling; resolves after the first probe, so `healthy()` is meaningful from then on. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.poll();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.client.close();
  }

  private async poll(): Promise<void> {
    const healthy = await checkHealth(this.client, this.options.service, { timeoutMs: this.options.timeoutMs });
    if (!this.running) return;
    if (healthy !== this.current) {
      this.current = healthy;
      const log = this.options.logger;
      if (healthy) log?.info('remote service is healthy', { service: this.options.service });
      else log?.warn('remote service is unhealthy', { service: this.options.service });
      try {
        this.options.onChange?.(healthy, this.options.service);
      } catch (err) {
        log?.error('health onChange callback failed', { service: this.options.service, error: err });
      }
    }
    this.timer = setTimeout(() => void this.poll(), this.intervalMs);
    // Polling alone must not keep a process alive.
    this.timer.unref();
  }
}
