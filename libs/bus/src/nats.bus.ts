import { InvalidArgumentError, ServiceUnavailableError } from '@mqp/model';
import { createLogger, type Logger } from '@mqp/runtime';
import { connect, headers as natsHeaders, type MsgHdrs, type NatsConnection, type Status, type Subscription } from 'nats';
import { payloadBytes, writesInPlace, type Bus, type BusHandler, type BusHeaders, type BusMessage, type BusPayload, type BusState, type BusSubscription, type SubscribeOptions } from './bus.port';
import { RUN_HEADER, RunWriter, unpackRun, type ClosedRun } from './nats-runs';
import { assertPublishSubject, assertQueueName, assertSubscribeSubject } from './subject';

export interface NatsBusOptions {
  /** One URL or a comma-separated list, e.g. `nats://127.0.0.1:4222`. */
  servers: string;
  /** Shown by the server's monitoring pages (`connz`). */
  name?: string;
  logger?: Logger;
  /**
   * How long `connect` keeps trying to reach NATS at boot before it fails
   * (default 30 s). Services in a split deployment usually start together
   * with NATS, so the first attempts may well be refused; failing at once
   * would turn a start-up race into a crash loop, waiting forever would hide
   * a wrong URL. Every failed attempt is logged.
   */
  connectTimeoutMs?: number;
}

/**
 * The Bus of distributed mode, on NATS core (nats.js v2).
 *
 * Once connected it reconnects forever: a broker must ride out a NATS
 * restart, and nats.js re-sends every subscription on reconnect, so
 * subscriptions made through this class survive it (tested in
 * nats.bus.int.spec.ts). Publishes made while reconnecting may be lost:
 * nats.js (2.29) empties its send buffer each time it redials, so `settle`
 * fails for anything published across a connection loss.
 */
export class NatsBus implements Bus {
  private current: BusState = 'connected';
  /** The flush round trip out now, and the one queued behind it (see `settle`). */
  private flushing: Promise<void> | undefined;
  private nextFlush: Promise<void> | undefined;
  /** Counts connection losses (and failed flushes): a settle across one cannot vouch for its publishes. */
  private connectionLosses = 0;
  private readonly listeners: ((state: BusState) => void)[] = [];
  private readonly watching: Promise<void>;
  /**
   * Publishes of this event-loop turn, handed to nats.js together at its end. nats.js writes its buffer to the socket
   * once per microtask checkpoint, i.e. once per socket read on our side; a gateway reading 100 publisher sockets paid
   * one write syscall per read (60 % of its CPU in split p2p). Everything else that reaches the wire (subscribe,
   * unsubscribe, flush, close) sends these first, so the order of commands on the connection is unchanged.
   * Publishes without headers are written into runs as they come (nats-runs.ts); one with headers stands alone.
   */
  private batch: QueuedPublish[] = [];
  private readonly runs = new RunWriter();
  /** The subject of the last publish, which passed assertPublishSubject. */
  private lastSubject: string | undefined;
  private batchScheduled = false;
  private readonly sendBatch = (): void => {
    this.batchScheduled = false;
    this.closeRun();
    const batch = this.batch;
    if (batch.length === 0) return;
    this.batch = [];
    let dropped = 0;
    let lastError: unknown;
    for (const { subject, data, parts, headers } of batch) {
      try {
        if (parts > 1) this.nc.publish(subject, data, { headers: runHeaders(parts) });
        else if (headers === undefined) this.nc.publish(subject, data);
        else this.nc.publish(subject, data, { headers });
      } catch (err) {
        // closed since it was queued: settle() rejects for the callers that wait on delivery
        dropped += parts;
        lastError = err;
      }
    }
    // one line per batch, not one per message: a connection that closed under a burst fails all of it
    if (dropped > 0) this.logger.warn('NATS publishes dropped', { dropped, error: lastError });
  };

  /** Queues the open run, if any. */
  private closeRun(): void {
    const run = this.runs.close();
    if (run !== undefined) this.batch.push(run);
  }

  private constructor(
    private readonly nc: NatsConnection,
    private readonly logger: Logger,
  ) {
    const statuses = nc.status();
    this.watching = this.watchStatus(statuses);
    nc.closed().then((err) => {
      if (err) this.logger.error('NATS connection closed with an error', { error: err });
      this.setState('closed');
      // nats.js does not end status iterators when the connection closes.
      (statuses as { stop?: () => void }).stop?.();
    });
  }

  static async connect(options: NatsBusOptions): Promise<NatsBus> {
    const logger = options.logger ?? createLogger({ name: 'bus' });
    const deadline = Date.now() + (options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
    for (let attempt = 1; ; attempt++) {
      try {
        const nc = await connect({
          servers: options.servers.split(',').map((s) => s.trim()),
          name: options.name,
          maxReconnectAttempts: -1,
          reconnectTimeWait: RECONNECT_WAIT_MS,
          reconnectJitter: RECONNECT_JITTER_MS,
        });
        if (attempt > 1) logger.info('connected to NATS', { servers: options.servers, attempts: attempt });
        return new NatsBus(nc, logger);
      } catch (err) {
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new ServiceUnavailableError(`could not reach NATS at ${options.servers}`, { cause: err });
        }
        logger.warn('NATS not reachable yet, retrying', { servers: options.servers, attempt, error: err });
        await delay(Math.min(left, RECONNECT_WAIT_MS * Math.min(attempt, 8)));
      }
    }
  }

  publish(subject: string, payload: BusPayload, headers?: BusHeaders): void {
    // a run of publishes to one subject (nats-runs.ts) checks it once
    if (subject !== this.lastSubject) {
      assertPublishSubject(subject);
      this.lastSubject = subject;
    }
    // what nats.js would refuse at once is refused here, before the publish is queued
    if (this.nc.isClosed() || this.nc.isDraining()) throw new ServiceUnavailableError(`publish to ${subject} failed: the bus is closed`);
    // a payload that can write itself in place is only measured here, and written straight into its run
    const inPlace = writesInPlace(payload) ? payload : undefined;
    const data = inPlace === undefined ? payloadBytes(payload) : undefined;
    const length = inPlace !== undefined ? inPlace.encodedLength() : (data as Uint8Array).length;
    const maxPayload = this.nc.info?.max_payload;
    if (maxPayload !== undefined && length > maxPayload) throw new InvalidArgumentError(`publish to ${subject}: ${length} bytes exceed the NATS max_payload of ${maxPayload}`);
    if (headers !== undefined) {
      this.closeRun();
      this.batch.push({ subject, data: data ?? payloadBytes(payload), parts: 1, headers: toNatsHeaders(headers) });
    } else {
      // the run header and the HPUB line take well under 1 KB of max_payload
      if (!this.runs.extends(subject, length, (maxPayload ?? DEFAULT_MAX_PAYLOAD) - 1024)) {
        this.closeRun();
        this.runs.begin(subject);
      }
      this.runs.write(inPlace ?? (data as Uint8Array), length);
    }
    if (!this.batchScheduled) {
      this.batchScheduled = true;
      setImmediate(this.sendBatch);
    }
  }

  subscribe(subject: string, handler: BusHandler, options: SubscribeOptions = {}): BusSubscription {
    assertSubscribeSubject(subject);
    if (options.queue !== undefined) assertQueueName(options.queue);
    this.sendBatch();
    let sub: Subscription;
    // cleared by unsubscribe, which may come from a handler in the middle of a run: the rest of it is not delivered
    let active = true;
    try {
      sub = this.nc.subscribe(subject, {
        queue: options.queue,
        // The callback form runs the handler straight from the parser, with
        // no async iterator and no promise per message.
        callback: (err, msg) => {
          if (err) {
            this.logger.error('NATS subscription failed', { subject, error: err });
            return;
          }
          const hdrs = msg.headers;
          if (hdrs !== undefined && hdrs.has(RUN_HEADER)) {
            try {
              unpackRun(msg.data, (data) => {
                if (active) this.handOver(handler, { subject: msg.subject, data }, subject);
              });
            } catch (error) {
              this.logger.error('NATS message with a broken run dropped', { subject: msg.subject, error });
            }
            return;
          }
          // a Buffer view, made once: the decoders of every handler take a Buffer as it is
          const data = Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength);
          const message: BusMessage =
            hdrs === undefined ? { subject: msg.subject, data } : { subject: msg.subject, data, headers: fromNatsHeaders(hdrs) };
          this.handOver(handler, message, subject);
        },
      });
    } catch (err) {
      throw mapNatsError(err, `subscribe to ${subject} failed`);
    }
    return {
      unsubscribe: () => {
        active = false;
        if (sub.isClosed()) return;
        this.sendBatch();
        try {
          sub.unsubscribe();
        } catch (err) {
          // Only possible once the connection is closed, when nothing is delivered anyway.
          this.logger.debug('NATS unsubscribe failed', { subject, error: err });
        }
      },
    };
  }

  /** A handler that throws is logged, never fatal (Bus contract). */
  private handOver(handler: BusHandler, message: BusMessage, subscription: string): void {
    try {
      handler(message);
    } catch (error) {
      this.logger.error('bus handler threw', { subject: message.subject, subscription, error });
    }
  }

  async flush(): Promise<void> {
    if (this.nc.isClosed()) return;
    this.sendBatch();
    await this.nc.flush();
  }

  /**
   * The server has everything published before it (its subscribers' work is
   * theirs: NATS does not wait for handlers). Rejects if the connection is
   * not up, or drops before the server answered: nats.js throws away what
   * it had not written when it redials, so a flush that succeeds on the new
   * connection says nothing of publishes made before. Callers share round
   * trips: while one flush is out, later callers wait for the next one
   * (which covers what they published), so a burst of QoS 1 PUBLISHes costs
   * two PINGs, not one each.
   */
  settle(): Promise<void> {
    if (this.current !== 'connected') return Promise.reject(new ServiceUnavailableError('NATS is not connected'));
    const losses = this.connectionLosses;
    return this.sharedFlush().then(() => {
      if (this.connectionLosses !== losses) throw new ServiceUnavailableError('NATS connection lost before the server confirmed');
    });
  }

  private sharedFlush(): Promise<void> {
    if (!this.flushing) {
      this.flushing = this.flush()
        .catch((err: unknown) => {
          this.connectionLosses++;
          throw new ServiceUnavailableError('NATS connection lost before the server confirmed', { cause: err });
        })
        .finally(() => (this.flushing = undefined));
      return this.flushing;
    }
    this.nextFlush ??= this.flushing
      .catch(() => undefined)
      .then(() => {
        this.nextFlush = undefined;
        return this.sharedFlush();
      });
    return this.nextFlush;
  }

  state(): BusState {
    return this.current;
  }

  onStateChange(listener: (state: BusState) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Drains when connected (pending publishes are sent and messages already
   * received are handled), bounded in time so shutdown cannot hang on a dead
   * link; closes outright otherwise.
   */
  async close(): Promise<void> {
    this.sendBatch();
    if (!this.nc.isClosed()) {
      if (this.current === 'connected' && !this.nc.isDraining()) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, DRAIN_TIMEOUT_MS)));
        try {
          await Promise.race([this.nc.drain(), timeout]);
        } catch (err) {
          this.logger.warn('NATS drain failed, closing', { error: err });
        } finally {
          clearTimeout(timer);
        }
      }
      if (!this.nc.isClosed()) await this.nc.close();
    }
    await this.watching;
    this.setState('closed');
  }

  private async watchStatus(statuses: AsyncIterable<Status>): Promise<void> {
    try {
      for await (const status of statuses) {
        switch (status.type) {
          case 'disconnect':
          case 'reconnecting':
          case 'staleConnection':
            this.connectionLosses++;
            this.setState('reconnecting', { event: status.type, server: status.data });
            break;
          case 'reconnect':
            this.setState('connected', { event: status.type, server: status.data });
            break;
          case 'error':
            this.logger.error('NATS reported an error', { error: status.data });
            break;
          case 'ldm':
            this.logger.warn('NATS server is entering lame duck mode; will move to another', { server: status.data });
            break;
          default:
            break;
        }
      }
    } catch (err) {
      this.logger.error('NATS status watch failed', { error: err });
    }
  }

  private setState(next: BusState, fields?: Record<string, unknown>): void {
    if (this.current === next || this.current === 'closed') return;
    this.current = next;
    if (next === 'reconnecting') this.logger.warn('NATS connection lost, reconnecting', fields);
    else if (next === 'connected') this.logger.info('NATS connection restored', fields);
    for (const listener of this.listeners) {
      try {
        listener(next);
      } catch (err) {
        this.logger.error('bus state listener threw', { error: err });
      }
    }
  }
}

/** A run, or a publish with headers (parts 1): never part of a run. */
interface QueuedPublish extends ClosedRun {
  readonly headers?: MsgHdrs | undefined;
}

/** The NATS server default, for the moment before its INFO arrives. */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

/** The header block of a run of `parts` publishes. */
function runHeaders(parts: number): MsgHdrs {
  const h = natsHeaders();
  h.set(RUN_HEADER, String(parts));
  return h;
}

/** Default boot wait; see NatsBusOptions.connectTimeoutMs. */
const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
/** Short, so a NATS restart costs well under a second of traffic (nats.js default: 2 s). */
const RECONNECT_WAIT_MS = 250;
/** Spreads the reconnects of many gateways after a NATS restart. */
const RECONNECT_JITTER_MS = 100;
/** How long close() lets a drain run before it closes anyway. */
const DRAIN_TIMEOUT_MS = 5_000;

function toNatsHeaders(headers: BusHeaders): MsgHdrs | undefined {
  let out: MsgHdrs | undefined;
  for (const key in headers) {
    if (!Object.prototype.hasOwnProperty.call(headers, key)) continue;
    out ??= natsHeaders();
    out.set(key, headers[key] as string);
  }
  return out;
}

/** A record with no prototype, because header names come from the wire. */
function fromNatsHeaders(hdrs: MsgHdrs): BusHeaders {
  const out: BusHeaders = Object.create(null);
  // A repeated header keeps its first value; the platform never repeats one.
  for (const key of hdrs.keys()) out[key] = hdrs.get(key);
  return out;
}

function mapNatsError(err: unknown, what: string): Error {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'CONNECTION_CLOSED' || code === 'CONNECTION_DRAINING') {
    return new ServiceUnavailableError(`${what}: the bus is closed`, { cause: err });
  }
  return new InvalidArgumentError(`${what}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
