import { createConnection, type Socket } from 'node:net';
import { ServiceUnavailableError } from '@mqp/model';
import { createLogger, type Logger } from '@mqp/runtime';
import { payloadBytes, type Bus, type BusHandler, type BusHeaders, type BusMessage, type BusPayload, type BusState, type BusSubscription, type SubscribeOptions } from '../bus.port';
import { assertPublishSubject, assertQueueName, assertSubscribeSubject } from '../subject';
import type { HubFrame } from './hub-frames';
import { HubLink } from './hub-link';

export interface HubClientBusOptions {
  /** Where the BusHub listens: a Unix socket path, or on Linux an abstract name starting with "\0". */
  path: string;
  /** Shown in the hub's logs, e.g. `gateway-worker-2`. */
  name?: string;
  logger?: Logger;
  /** See DEFAULT_MAX_FRAME_SIZE in hub-frames.ts; the hub must accept at least as much. */
  maxFrameSize?: number;
}

/**
 * The Bus of a worker process: the main process's bus, reached through its
 * BusHub. Semantics are those of the bus behind the hub, with these
 * differences:
 *
 * - A handler's returned promise is not waited for by anyone (only logged
 *   if it rejects): `settle()` covers the main process's handlers, not the
 *   workers'.
 * - Publishes, subscribes, PINGs and SETTLEs of one event-loop turn go to
 *   the hub in one write. All `flush()` callers of a turn share one PING, all
 *   `settle()` callers one SETTLE, written at the end of the turn and so
 *   after everything each of them published.
 * - No reconnect: the hub lives in the main process, and its socket closes
 *   only when that process stops serving (shutdown or crash). There is then
 *   no bus to go back to, and what a worker holds (MQTT connections, their
 *   subscriptions) belongs to a broker that is gone; the worker exits on
 *   'closed' and is started afresh.
 */
export class HubClientBus implements Bus {
  private readonly link: HubLink;
  private readonly subscriptions = new Map<number, ClientSubscription>();
  private current: BusState = 'connected';
  private readonly listeners: ((state: BusState) => void)[] = [];
  private closing: Promise<void> | undefined;
  private lastSid = 0;
  private lastRequest = 0;
  /** The flush and settle callers of this turn (see class doc), and the PINGs and SETTLEs sent and not yet answered. */
  private turnFlush: Waiters | undefined;
  private turnSettle: Waiters | undefined;
  private readonly awaiting = new Map<number, { waiters: Waiters; what: 'flush' | 'settle' }>();

  private constructor(
    socket: Socket,
    private readonly path: string,
    private readonly logger: Logger,
    options: HubClientBusOptions,
  ) {
    this.link = new HubLink(socket, {
      logger,
      peer: `bus hub at ${printable(path)}`,
      maxFrameSize: options.maxFrameSize,
      onFrame: (frame) => this.onFrame(frame),
      beforeSend: () => this.sendTurnRequests(),
      onClose: (error) => this.onLinkClosed(error),
    });
    if (options.name !== undefined) this.link.send({ type: 'hello', name: options.name });
  }

  static connect(options: HubClientBusOptions): Promise<HubClientBus> {
    const logger = options.logger ?? createLogger({ name: 'bus' });
    return new Promise((resolve, reject) => {
      const socket = createConnection({ path: options.path });
      const failed = (err: Error): void =>
        reject(new ServiceUnavailableError(`could not reach the bus hub at ${printable(options.path)}`, { cause: err }));
      socket.once('error', failed);
      socket.once('connect', () => {
        socket.off('error', failed);
        resolve(new HubClientBus(socket, options.path, logger, options));
      });
    });
  }

  publish(subject: string, payload: BusPayload, headers?: BusHeaders): void {
    this.assertOpen();
    assertPublishSubject(subject);
    this.link.send({ type: 'pub', subject, headers, data: payloadBytes(payload) });
  }

  subscribe(subject: string, handler: BusHandler, options: SubscribeOptions = {}): BusSubscription {
    this.assertOpen();
    assertSubscribeSubject(subject);
    const queue = options.queue;
    if (queue !== undefined) assertQueueName(queue);
    const sid = this.nextSid();
    const subscription: ClientSubscription = { subject, handler };
    this.subscriptions.set(sid, subscription);
    this.link.send({ type: 'sub', sid, subject, queue });
    return {
      unsubscribe: () => {
        if (this.subscriptions.get(sid) !== subscription) return;
        // MSG frames already on their way find no subscription and are dropped.
        this.subscriptions.delete(sid);
        this.link.send({ type: 'unsub', sid });
      },
    };
  }

  flush(): Promise<void> {
    if (this.current === 'closed') return Promise.reject(closedError());
    this.link.schedule();
    return (this.turnFlush ??= waiters()).promise;
  }

  /** Resolves once the hub's bus settled everything published before it; rejects with the reason if that failed. */
  settle(): Promise<void> {
    if (this.current === 'closed') return Promise.reject(closedError());
    this.link.schedule();
    return (this.turnSettle ??= waiters()).promise;
  }

  state(): BusState {
    return this.current;
  }

  onStateChange(listener: (state: BusState) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Lets the hub deliver what was published (a flush, bounded by
   * CLOSE_FLUSH_TIMEOUT_MS so a stuck hub cannot hold up shutdown), then
   * closes the connection; the hub drops this client's subscriptions.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.current === 'closed') return;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_FLUSH_TIMEOUT_MS)));
      try {
        await Promise.race([this.flush(), timeout]);
      } catch (err) {
        this.logger.debug('bus hub flush before close failed', { error: err });
      } finally {
        clearTimeout(timer);
      }
      this.setClosed();
      await this.link.end();
    })();
    return this.closing;
  }

  private onFrame(frame: HubFrame): void {
    switch (frame.type) {
      case 'msg':
        this.deliver(frame.sid, frame.subject, frame.data, frame.headers);
        break;
      case 'pong':
        this.answer(frame.id, undefined);
        break;
      case 'settled':
        this.answer(frame.id, frame.error);
        break;
      default:
        throw new Error(`the hub sent a ${frame.type.toUpperCase()} frame, which only clients send`);
    }
  }

  private deliver(sid: number, subject: string, data: Uint8Array, headers: BusHeaders | undefined): void {
    const subscription = this.subscriptions.get(sid);
    if (subscription === undefined || this.current === 'closed') return;
    // A copy: `data` is a view of a read chunk of up to 64 KiB, which a message kept for a slow client
    // (QoS 1/2 in flight) would hold entirely; small copies come from Node's shared pool.
    const copy = Buffer.from(data);
    const message: BusMessage = headers === undefined ? { subject, data: copy } : { subject, data: copy, headers };
    try {
      const work = subscription.handler(message);
      // Nobody here waits for it (see class doc), but a rejection must not go unhandled.
      if (work instanceof Promise) {
        work.catch((error: unknown) => this.logger.error('bus handler work failed', { subject, error }));
      }
    } catch (error) {
      this.logger.error('bus handler threw', { subject, subscription: subscription.subject, error });
    }
  }

  private answer(id: number, error: string | undefined): void {
    const request = this.awaiting.get(id);
    if (request === undefined) return;
    this.awaiting.delete(id);
    if (error === undefined) request.waiters.resolve();
    else request.waiters.reject(new ServiceUnavailableError(`bus ${request.what} failed in the hub: ${error}`));
  }

  /** Writes this turn's shared PING and SETTLE behind everything their callers sent. */
  private sendTurnRequests(): void {
    if (this.turnFlush) {
      const id = this.nextRequest();
      this.awaiting.set(id, { waiters: this.turnFlush, what: 'flush' });
      this.turnFlush = undefined;
      this.link.send({ type: 'ping', id });
    }
    if (this.turnSettle) {
      const id = this.nextRequest();
      this.awaiting.set(id, { waiters: this.turnSettle, what: 'settle' });
      this.turnSettle = undefined;
      this.link.send({ type: 'settle', id });
    }
  }

  private onLinkClosed(error: Error | undefined): void {
    if (this.current === 'closed') return;
    this.logger.error('lost the connection to the bus hub', { path: printable(this.path), error });
    this.setClosed();
  }

  private setClosed(): void {
    if (this.current === 'closed') return;
    this.current = 'closed';
    const pending = [...this.awaiting.values()].map((request) => request.waiters);
    if (this.turnFlush) pending.push(this.turnFlush);
    if (this.turnSettle) pending.push(this.turnSettle);
    this.awaiting.clear();
    this.turnFlush = this.turnSettle = undefined;
    for (const request of pending) request.reject(closedError());
    for (const listener of this.listeners) {
      try {
        listener('closed');
      } catch (err) {
        this.logger.error('bus state listener threw', { error: err });
      }
    }
  }

  /**
   * Sids are u32 on the wire and wrap; one still in use is skipped. A MSG in
   * flight for a sid unsubscribed 2^32 subscriptions ago could reach its
   * successor, which no real uptime comes near.
   */
  private nextSid(): number {
    do this.lastSid = (this.lastSid + 1) >>> 0;
    while (this.lastSid === 0 || this.subscriptions.has(this.lastSid));
    return this.lastSid;
  }

  private nextRequest(): number {
    this.lastRequest = (this.lastRequest + 1) >>> 0;
    return this.lastRequest;
  }

  private assertOpen(): void {
    if (this.current === 'closed') throw closedError();
  }
}

/** How long close() waits for the hub to answer its last flush. */
const CLOSE_FLUSH_TIMEOUT_MS = 5_000;

interface ClientSubscription {
  readonly subject: string;
  readonly handler: BusHandler;
}

interface Waiters {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

function waiters(): Waiters {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function closedError(): ServiceUnavailableError {
  return new ServiceUnavailableError('the bus is closed');
}

/** Abstract socket names start with a NUL byte; `ss` and `netstat` show them with a leading "@". */
function printable(path: string): string {
  return path.startsWith('\0') ? `@${path.slice(1)}` : path;
}
