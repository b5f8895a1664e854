import type { Socket } from 'node:net';
import type { HandedSockets } from './tcp-source';
import type { AcceptHandler, Listener } from './transport';

/**
 * The plain-TCP listener of a gateway worker: it binds nothing and serves
 * the sockets the main process accepted on its port and handed over. Like
 * `ServerListener` it remembers the sockets it took, so `close` can end what
 * is left after the gateway closed its connections.
 */
export class HandedListener implements Listener {
  readonly transport = 'tcp' as const;
  private taking = false;
  private readonly sockets = new Set<Socket>();
  private readonly allClosed: { promise?: Promise<void>; resolve?: () => void } = {};

  constructor(
    private readonly handed: HandedSockets,
    private readonly accept: AcceptHandler,
  ) {}

  async start(): Promise<void> {
    this.taking = true;
    const { sockets, allClosed } = this;
    // one 'close' listener for every socket (the socket is `this`), as in ServerListener: memory per connection
    function forget(this: Socket): void {
      sockets.delete(this);
      if (sockets.size === 0) allClosed.resolve?.();
    }
    this.handed.onSocket((socket) => {
      if (!this.taking) {
        socket.destroy();
        return;
      }
      sockets.add(socket);
      socket.on('close', forget);
      // handed over paused, so no byte was read by the process that accepted it
      socket.resume();
      this.accept({ transport: 'tcp', socket });
    });
  }

  port(): number {
    return this.taking ? this.handed.port : 0;
  }

  listening(): boolean {
    return this.taking;
  }

  stopAccepting(): Promise<void> {
    this.taking = false;
    this.handed.stop();
    if (this.sockets.size === 0) return Promise.resolve();
    this.allClosed.promise ??= new Promise<void>((resolve) => (this.allClosed.resolve = resolve));
    return this.allClosed.promise;
  }

  async close(): Promise<void> {
    const closed = this.stopAccepting();
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}
