import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP forwarder on loopback that a test can cut and restore: one process talks to a server through it, so that
 * process alone loses the network (a partition) while everything else keeps talking to the server directly.
 */
export class CuttableProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private cutOff = false;
  private target: { host: string; port: number } | undefined;

  constructor() {
    this.server = createServer((client) => this.accept(client));
  }

  /** Listens on a free loopback port; returns the port. */
  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as { port: number }).port;
  }

  /** `url` with its host:port replaced by this proxy's, which forwards to the original (e.g. `nats://127.0.0.1:4222`). */
  front(url: string): string {
    const parsed = new URL(url);
    this.target = { host: parsed.hostname, port: Number(parsed.port) };
    parsed.host = `127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return parsed.toString().replace(/\/$/, '');
  }

  /** Drops every forwarded connection and refuses new ones until `restore`. */
  cut(): void {
    this.cutOff = true;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.cutOff = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.cutOff || !this.target) {
      client.destroy();
      return;
    }
    const upstream = connect(this.target.port, this.target.host);
    for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
      this.sockets.add(a);
      a.pipe(b);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        this.sockets.delete(a);
        b.destroy();
      });
    }
  }
}
