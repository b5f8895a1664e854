import { createServer, type Server } from 'node:net';
import type { Logger } from '@mqp/runtime';
import { ServerListener } from './server-listener';
import type { TcpSource } from './tcp-source';
import type { AcceptHandler, Listener } from './transport';

/**
 * MQTT over plain TCP (1883): each accepted socket is handed over as it is.
 * The server is bound here, or (gateway worker) one the main process bound
 * and shared: see TcpSource.
 */
export function createTcpListener(address: { host: string; port: number }, accept: AcceptHandler, logger: Logger, source: TcpSource = { kind: 'listen' }): Listener {
  const server: Server = source.kind === 'shared' ? source.server : createServer();
  server.on('connection', (socket) => accept({ transport: 'tcp', socket }));
  if (source.kind === 'listen' && source.onBound) {
    const onBound = source.onBound;
    server.once('listening', () => onBound(server));
  }
  return new ServerListener('tcp', server, address, logger, false);
}
