import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger';

export type HttpRoute = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * The operator HTTP surface of one process: `/ready`, `/metrics`, and any
 * routes modules add (REST API). Errors in a route answer 500, never crash.
 */
export class HttpServer {
  private readonly routes = new Map<string, HttpRoute>();
  private server: Server | undefined;

  constructor(private readonly logger: Logger) {}

  route(method: string, path: string, handler: HttpRoute): void {
    this.routes.set(`${method} ${path}`, handler);
  }

  async listen(host: string, port: number): Promise<number> {
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      const handler = this.routes.get(`${req.method} ${path}`);
      if (!handler) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      Promise.resolve()
        .then(() => handler(req, res))
        .catch((err: unknown) => {
          this.logger.error('http route failed', { path, error: err });
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('internal error\n');
        });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body) + '\n');
}
