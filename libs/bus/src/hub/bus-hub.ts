import { createServer, type Server, type Socket } from 'node:net';
import { createLogger, type Logger } from '@mqp/runtime';
import type { Bus, BusMessage, BusSubscription } from '../bus.port';
import type { HubFrame } from './hub-frames';
import { HubLink } from './hub-link';

export interface BusHubOptions {
  logger?: Logger;
  /** See DEFAULT_MAX_FRAME_SIZE in hub-frames.ts. */
  maxFrameSize?: number;
}

/**
 * Serves a Bus (the main process's InProcessBus) to the worker processes of
 * one standalone broker: each HubClientBus connected here publishes and
 * subscribes on that bus as if it were in this process, so main-process
 * subscribers and workers see one bus (one queue group spans them all).
 * The hub never closes the bus; close the hub first.
 */
export class BusHub {
  private readonly logger: Logger;
  private readonly server: Server;
  private readonly clients = new Set<HubConnection>();
  private nextClient = 1;
  private listening: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly bus: Bus,
    private readonly options: BusHubOptions = {},
  ) {
    this.logger = options.logger ?? createLogger({ name: 'bus-hub' });
    this.server = createServer((socket) => this.accept(socket));
    // a failure to listen is listen()'s to report
    this.server.on('error', (err) => this.server.listening && this.logger.error('bus hub server failed', { error: err }));
  }

  /**
   * `path` is a Unix socket path, or on Linux an abstract name starting with
   * "\0". Whoever can connect can publish and subscribe to anything: put the
   * path in a directory only this user can enter (an abstract name is open
   * to every process in the network namespace). The path must not exist yet.
   */
  listen(path: string): Promise<void> {
    if (this.listening) return Promise.reject(new Error('the bus hub is already listening'));
    this.listening = new Promise<void>((resolve, reject) => {
      const failed = (err: Error): void => {
        this.listening = undefined;
        reject(err);
      };
      this.server.once('error', failed);
      this.server.listen({ path }, () => {
        this.server.off('error', failed);
        resolve();
      });
    });
    return this.listening;
  }

  /** Stops accepting, and ends every client connection (their subscriptions go with them). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const stopped = this.server.listening ? new Promise<void>((resolve) => this.server.close(() => resolve())) : undefined;
      await Promise.all([...this.clients].map((client) => client.end()));
      await stopped;
    })();
    return this.closing;
  }

  private accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const client = new HubConnection(socket, `client ${this.nextClient++}`, this.bus, this.options, this.logger, () =>
      this.clients.delete(client),
    );
    this.clients.add(client);
  }
}

/** One worker's connection: its subscriptions on the bus, and the frames to and from it. */
class HubConnection {
  private readonly link: HubLink;
  private readonly subscriptions = new Map<number, BusSubscription>();

  constructor(
    socket: Socket,
    peer: string,
    private readonly bus: Bus,
    options: BusHubOptions,
    private readonly logger: Logger,
    onClosed: () => void,
  ) {
    this.link = new HubLink(socket, {
      logger,
      peer,
      maxFrameSize: options.maxFrameSize,
      onFrame: (frame) => this.onFrame(frame),
      onClose: (error) => {
        const subscriptions = this.subscriptions.size;
        for (const subscription of this.subscriptions.values()) subscription.unsubscribe();
        this.subscriptions.clear();
        onClosed();
        this.logger.info('bus hub client disconnected', { client: this.link.peer, subscriptions, error });
      },
    });
  }

  end(): Promise<void> {
    return this.link.end();
  }

  /** Throws only for frames a client never sends, which the link answers by closing the connection. */
  private onFrame(frame: HubFrame): void {
    switch (frame.type) {
      case 'pub':
        this.publish(frame.subject, frame.data, frame.headers);
        break;
      case 'sub':
        this.subscribe(frame.sid, frame.subject, frame.queue);
        break;
      case 'unsub':
        this.subscriptions.get(frame.sid)?.unsubscribe();
        this.subscriptions.delete(frame.sid);
        break;
      case 'ping':
        this.ping(frame.id);
        break;
      case 'settle':
        this.settle(frame.id);
        break;
      case 'hello':
        this.logger.info('bus hub client connected', { client: frame.name, connection: this.link.peer });
        this.link.peer = frame.name;
        break;
      case 'msg':
      case 'pong':
      case 'settled':
        throw new Error(`a client sent a ${frame.type.toUpperCase()} frame, which only the hub sends`);
    }
  }

  private publish(subject: string, data: Uint8Array, headers: BusMessage['headers']): void {
    try {
      this.bus.publish(subject, data, headers);
    } catch (err) {
      // The client checked the subject; what is left is the bus closing under it.
      this.logger.error('bus hub publish failed', { client: this.link.peer, subject, error: err });
    }
  }

  private subscribe(sid: number, subject: string, queue: string | undefined): void {
    this.subscriptions.get(sid)?.unsubscribe();
    const link = this.link;
    try {
      const handler = (m: BusMessage): void => link.send({ type: 'msg', sid, subject: m.subject, headers: m.headers, data: m.data });
      this.subscriptions.set(sid, this.bus.subscribe(subject, handler, { queue }));
    } catch (err) {
      this.subscriptions.delete(sid);
      this.logger.error('bus hub subscribe failed', { client: this.link.peer, subject, error: err });
    }
  }

  /**
   * PONG once the bus has delivered everything published before the PING,
   * so MSG frames it caused are ahead of the PONG on the wire. A bus whose
   * flush fails (not InProcessBus) cannot vouch for anything: the client is
   * disconnected rather than told a flush succeeded.
   */
  private ping(id: number): void {
    this.bus.flush().then(
      () => this.link.send({ type: 'pong', id }),
      (err: unknown) => {
        this.logger.error('bus hub flush failed, closing the client', { client: this.link.peer, error: err });
        this.link.destroy(err as Error);
      },
    );
  }

  /** SETTLED once the bus settled everything published before the SETTLE (InProcessBus: handlers' work done). */
  private settle(id: number): void {
    this.bus.settle().then(
      () => this.link.send({ type: 'settled', id }),
      (err: unknown) => this.link.send({ type: 'settled', id, error: err instanceof Error ? err.message : String(err) }),
    );
  }
}
