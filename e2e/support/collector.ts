import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An HTTP server on 127.0.0.1 that records every request body (webhook target, OTLP collector). */
export class RecordingHttpServer {
  readonly requests: { path: string; headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  private server: Server | undefined;
  private listeners: (() => void)[] = [];
  status = 200;

  async start(): Promise<number> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({ path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(this.status, { 'content-type': 'application/json' }).end('{}');
        this.listeners.forEach((l) => l());
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    return (this.server!.address() as AddressInfo).port;
  }

  /** Waits until some recorded request satisfies `predicate`. */
  async waitFor<T>(find: () => T | undefined, timeoutMs = 10_000): Promise<T> {
    const found = find();
    if (found !== undefined) return found;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching request among ${this.requests.length}`)), timeoutMs);
      const check = (): void => {
        const f = find();
        if (f === undefined) return;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
        resolve(f);
      };
      this.listeners.push(check);
    });
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
