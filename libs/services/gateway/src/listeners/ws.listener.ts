import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { TLSSocket, TlsOptions } from 'node:tls';
import { logHandshakeFailure } from './tls.listener';
import type { Logger } from '@mqp/runtime';
import { WebSocketServer } from 'ws';
import { clientCertificateOf } from './client-certificate';
import { ServerListener } from './server-listener';
import type { AcceptedTransport, AcceptHandler, Listener } from './transport';
import { WebSocketStream } from './websocket-stream';

export interface WebSocketListenerOptions {
  host: string;
  port: number;
  /** The only path upgraded (EMQX: `/mqtt`); anything else is answered 404. */
  path: string;
  /** Largest WebSocket message accepted; ws closes the connection with 1009 beyond it. */
  maxPayload: number;
  /** Bound on the HTTP upgrade request, like the CONNECT timeout on a TCP socket. */
  handshakeTimeoutMs: number;
  /** Given: WSS (HTTPS server); absent: plain WS. */
  tls?: TlsOptions;
}

/**
 * [MQTT-6.0.0-3] the client offers "mqtt"; [MQTT-6.0.0-4] the server answers
 * "mqtt". MQTT 3.1 clients offer "mqttv3.1" instead, which is echoed to them.
 */
const SUBPROTOCOLS = ['mqtt', 'mqttv3.1'] as const;

/**
 * MQTT over WebSocket (8083) or over WebSocket over TLS (8084): an HTTP(S)
 * server that upgrades requests for `path` offering an MQTT subprotocol and
 * refuses everything else. The client's address is the TCP peer's; a
 * X-Forwarded-For header is not trusted (a proxy setting would be needed to
 * say which peers may set it).
 */
export function createWebSocketListener(options: WebSocketListenerOptions, accept: AcceptHandler, logger: Logger): Listener {
  const transport = options.tls ? 'wss' : 'ws';
  const server: HttpServer = options.tls ? createHttpsServer(options.tls) : createHttpServer();
  server.headersTimeout = options.handshakeTimeoutMs;
  server.requestTimeout = options.handshakeTimeoutMs;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayload,
    // compression costs memory per connection (zlib contexts) and MQTT payloads are usually small; EMQX defaults it off too
    perMessageDeflate: false,
    clientTracking: false,
    handleProtocols: (offered: Set<string>) => SUBPROTOCOLS.find((p) => offered.has(p)) ?? false,
  });

  server.on('request', (req, res) => {
    // a plain HTTP request: 426 on the MQTT path (it must be upgraded), 404 elsewhere
    res.statusCode = pathOf(req) === options.path ? 426 : 404;
    res.end();
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      if (pathOf(req) !== options.path) return refuse(socket, 404, 'Not Found');
      const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
      if (!SUBPROTOCOLS.some((p) => offered.includes(p))) return refuse(socket, 400, 'Bad Request');
      wss.handleUpgrade(req, socket, head, (ws) => {
        try {
          const accepted: AcceptedTransport = { transport, socket: new WebSocketStream(ws, req.socket.remoteAddress) };
          if (options.tls) {
            const certificate = clientCertificateOf(req.socket as TLSSocket);
            if (certificate) accepted.clientCertificate = certificate;
          }
          accept(accepted);
        } catch (err) {
          logger.warn('could not accept WebSocket connection', { transport, error: err });
          ws.terminate();
        }
      });
    } catch (err) {
      logger.warn('WebSocket upgrade failed', { transport, error: err });
      socket.destroy();
    }
  });
  if (options.tls) {
    server.on('tlsClientError', (err: Error, socket: TLSSocket) => logHandshakeFailure(logger, transport, socket.remoteAddress, err));
  }
  return new ServerListener(transport, server, options, logger);
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

function refuse(socket: Duplex, status: number, text: string): void {
  // the peer may already be gone: a write error must not become an unhandled 'error'
  socket.on('error', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
