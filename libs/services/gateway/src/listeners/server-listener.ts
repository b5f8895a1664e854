import type { AddressInfo, Server, Socket } from 'node:net';
import type { Logger } from '@mqp/runtime';
import type { Listener, TransportName } from './transport';

/**
 * What every listener does the same way, whatever runs on top of the TCP
 * server (plain, TLS, HTTP upgrade): bind, report the bound port, remember
 * the raw sockets it accepted so `close` can end those whose handshake never
 * finished, and close.
 */
export class ServerListener implements Listener {
  private bound = false;
  private readonly sockets = new Set<Socket>();
  private closing: Promise<void> | undefined;

  /**
   * `handshakes`: whether a socket can be open here before it is a gateway
   * connection (TLS, WebSocket), so `close` must find it. A plain-TCP socket
   * is a connection from its first moment, which the gateway closes itself:
   * tracking it too would cost a set entry and a listener per idle
   * connection (issue 6).
   */
  constructor(
    readonly transport: TransportName,
    private readonly server: Server,
    private readonly address: { host: string; port: number },
    private readonly logger: Logger,
    handshakes = true,
  ) {
    if (!handshakes) return;
    // 'connection' is the raw TCP socket for net, tls and http servers alike. One 'close' listener for all of
    // them (the socket is `this`), not a closure and a `once` wrapper per socket: memory per idle connection, issue 6.
    const sockets = this.sockets;
    function forget(this: Socket): void {
      sockets.delete(this);
    }
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', forget);
    });
  }

  async start(): Promise<void> {
    const { server } = this;
    const { host, port } = this.address;
    // a server that listens already was bound by the main process and shared with this gateway worker
    if (!server.listening) {
      // the listen error is passed on as it is: the CLI turns EADDRINUSE (with its address and port) into its one-line reason
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    }
    server.on('error', (err) => this.logger.error('listener error', { transport: this.transport, error: err }));
    this.bound = true;
  }

  port(): number {
    if (!this.bound) return 0;
    const address = this.server.address();
    return address && typeof address === 'object' ? (address as AddressInfo).port : 0;
  }

  listening(): boolean {
    return this.bound;
  }

  stopAccepting(): Promise<void> {
    this.bound = false;
    // resolves on the server's 'close', which waits for every socket it accepted to end
    this.closing ??= this.server.listening ? new Promise<void>((resolve) => this.server.close(() => resolve())) : Promise.resolve();
    return this.closing;
  }

  async close(): Promise<void> {
    const closed = this.stopAccepting();
    // the gateway has already closed its connections gracefully; what is left never finished a handshake
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}
