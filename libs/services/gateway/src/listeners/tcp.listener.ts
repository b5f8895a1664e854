import { createServer } from 'node:net';
import type { Logger } from '@mqp/runtime';
import { ServerListener } from './server-listener';
import type { AcceptHandler, Listener } from './transport';

/** MQTT over plain TCP (1883): each accepted socket is handed over as it is. */
export function createTcpListener(address: { host: string; port: number }, accept: AcceptHandler, logger: Logger): Listener {
  const server = createServer((socket) => accept({ transport: 'tcp', socket }));
  return new ServerListener('tcp', server, address, logger);
}
