import { createServer, type Socket } from 'node:net';
import type { Logger } from '@mqp/runtime';
import { ServerListener } from './server-listener';
import type { AcceptHandler, Listener } from './transport';

/**
 * MQTT over plain TCP (1883): each accepted socket is handed over as it is.
 * With `handOff` (gateway workers) a socket may go to another process
 * instead; sockets are then accepted paused, so that no byte is read here
 * before the decision.
 */
export function createTcpListener(
  address: { host: string; port: number },
  accept: AcceptHandler,
  logger: Logger,
  handOff?: (socket: Socket) => boolean,
): Listener {
  const server = handOff
    ? createServer({ pauseOnConnect: true }, (socket) => {
        if (handOff(socket)) return;
        socket.resume();
        accept({ transport: 'tcp', socket });
      })
    : createServer((socket) => accept({ transport: 'tcp', socket }));
  return new ServerListener('tcp', server, address, logger);
}
