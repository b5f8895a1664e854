import { Client, credentials, Metadata, status, type ChannelOptions, type ServiceError } from '@grpc/grpc-js';
import { injectHeaders, SpanKind, withSpan } from '@mqp/telemetry';
import { fromServiceError } from './status-mapping';
import { DEFAULT_MAX_MESSAGE_BYTES, rpcNameOf, serviceNameOf, type UnaryMethod } from './grpc.types';

/** Deadline of a call when neither the client nor the call sets one; matches `listeners.serviceTimeoutMs`. */
export const DEFAULT_DEADLINE_MS = 5_000;

/**
 * Waits before each retry of an idempotent call that failed with UNAVAILABLE:
 * one retry per entry, so at most 4 attempts. Short because the callers are
 * an MQTT CONNECT or SUBSCRIBE waiting on the answer, and bounded so that a
 * dead service costs a fraction of the deadline, never more than the deadline.
 */
export const DEFAULT_RETRY_BACKOFF_MS: readonly number[] = [50, 100, 200];

export interface GrpcChannelOptions {
  /** Default 16 MiB on both directions (see DEFAULT_MAX_MESSAGE_BYTES). */
  maxMessageBytes?: number;
}

export interface GrpcClientOptions extends GrpcChannelOptions {
  /** Deadline of each call, retries included; default 5 s. */
  deadlineMs?: number;
  /** Backoff before each retry of an idempotent call; `[]` disables retries. */
  retryBackoffMs?: readonly number[];
}

export interface CallOptions {
  /**
   * Safe to send twice: retried on UNAVAILABLE. A call that failed with
   * UNAVAILABLE may still have been applied (the connection broke after the
   * server got it), so only calls whose repetition changes nothing may retry.
   */
  idempotent?: boolean;
  deadlineMs?: number;
  /** Start a client span and propagate it; off for health probes, which would drown traces. */
  trace?: boolean;
}

/**
 * A channel to one address with the platform's options: larger message
 * limits, and a reconnect backoff short enough that a restarted service is
 * found again within a health-poll interval (grpc-js defaults to 1 s → 120 s).
 */
export function createChannel(address: string, options: GrpcChannelOptions = {}): Client {
  const max = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const channelOptions: ChannelOptions = {
    'grpc.max_receive_message_length': max,
    'grpc.max_send_message_length': max,
    'grpc.initial_reconnect_backoff_ms': 100,
    'grpc.max_reconnect_backoff_ms': 2_000,
  };
  // TLS between services is not configured yet; traffic stays inside the deployment.
  return new Client(address, credentials.createInsecure(), channelOptions);
}

/**
 * Makes unary calls with a deadline, bounded retries for idempotent calls,
 * trace propagation (`traceparent` in metadata, a CLIENT span per call), and
 * every failure turned into an MqpError by status-mapping: an unreachable or
 * slow service is a ServiceUnavailableError.
 */
export class GrpcClient {
  private readonly channel: Client;
  private readonly ownsChannel: boolean;
  private readonly deadlineMs: number;
  private readonly retryBackoffMs: readonly number[];

  /** `target` is an address (`host:port`, a channel is created and owned) or a shared channel from `createChannel`. */
  constructor(target: string | Client, options: GrpcClientOptions = {}) {
    this.ownsChannel = typeof target === 'string';
    this.channel = typeof target === 'string' ? createChannel(target, options) : target;
    this.deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
    this.retryBackoffMs = options.retryBackoffMs ?? DEFAULT_RETRY_BACKOFF_MS;
  }

  async unary<ReqIn, ResOut>(method: UnaryMethod<ReqIn, any, any, ResOut>, request: ReqIn, options: CallOptions = {}): Promise<ResOut> {
    const name = rpcNameOf(method.path);
    const deadline = Date.now() + (options.deadlineMs ?? this.deadlineMs);
    if (options.trace === false) return this.withRetries(method, request, options, deadline, {});
    const attributes = { 'rpc.system': 'grpc', 'rpc.service': serviceNameOf(method.path), 'rpc.method': name.slice(name.lastIndexOf('/') + 1) };
    return withSpan(name, { kind: SpanKind.CLIENT, attributes }, async (span) => {
      // Injected inside the span, so the server's span becomes its child.
      const headers = injectHeaders({});
      try {
        const response = await this.withRetries(method, request, options, deadline, headers);
        span.setAttribute('rpc.grpc.status_code', status.OK);
        return response;
      } catch (err) {
        const cause = (err as { cause?: { code?: unknown } }).cause;
        if (typeof cause?.code === 'number') span.setAttribute('rpc.grpc.status_code', cause.code);
        throw err;
      }
    });
  }

  /** Closes the channel if this client created it. */
  close(): void {
    if (this.ownsChannel) this.channel.close();
  }

  private async withRetries<ReqIn, ResOut>(
    method: UnaryMethod<ReqIn, any, any, ResOut>,
    request: ReqIn,
    options: CallOptions,
    deadline: number,
    headers: Record<string, string>,
  ): Promise<ResOut> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(method, request, deadline, headers);
      } catch (err) {
        const backoff = this.retryBackoffMs[attempt];
        const retry =
          options.idempotent === true &&
          (err as ServiceError).code === status.UNAVAILABLE &&
          backoff !== undefined &&
          Date.now() + backoff < deadline;
        if (!retry) throw fromServiceError(err, rpcNameOf(method.path));
        await new Promise((resolve) => setTimeout(resolve, backoff));
      }
    }
  }

  private attempt<ReqIn, ResOut>(method: UnaryMethod<ReqIn, any, any, ResOut>, request: ReqIn, deadline: number, headers: Record<string, string>): Promise<ResOut> {
    const metadata = new Metadata();
    for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
    return new Promise<ResOut>((resolve, reject) => {
      this.channel.makeUnaryRequest(
        method.path,
        (value: ReqIn) => method.requestSerialize(value),
        (bytes: Buffer) => method.responseDeserialize(bytes),
        request,
        metadata,
        { deadline },
        (err, response) => (err || response === undefined ? reject(err ?? new Error('empty response')) : resolve(response)),
      );
    });
  }
}
