import { createServer, type TlsOptions } from 'node:tls';
import type { Logger } from '@mqp/runtime';
import { clientCertificateOf } from './client-certificate';
import { ServerListener } from './server-listener';
import type { AcceptedTransport, AcceptHandler, Listener } from './transport';

/**
 * A refused client certificate (revoked, unknown CA, expired) is a refused
 * client and is logged with its reason; other failed handshakes (scanners,
 * TLS 1.1) cost only a debug line.
 */
export function logHandshakeFailure(logger: Logger, transport: string, remoteAddress: string | undefined, err: Error): void {
  const message = err.message;
  if (/certificate|CERT|\bCA\b/.test(message)) logger.warn('TLS client refused: certificate', { transport, remoteAddress, reason: message });
  else logger.debug('TLS handshake failed', { transport, remoteAddress, error: message });
}

/**
 * MQTT over TLS (8883). A connection is handed over once its handshake is
 * done, with the client certificate's identity when one verified. Failed
 * handshakes (TLS 1.1 clients, a required certificate missing) cost only a
 * debug line.
 */
export function createTlsListener(address: { host: string; port: number }, tls: TlsOptions, accept: AcceptHandler, logger: Logger): Listener {
  const server = createServer(tls, (socket) => {
    try {
      const accepted: AcceptedTransport = { transport: 'tls', socket };
      const certificate = clientCertificateOf(socket);
      if (certificate) accepted.clientCertificate = certificate;
      accept(accepted);
    } catch (err) {
      logger.warn('could not accept TLS connection', { error: err });
      socket.destroy();
    }
  });
  server.on('tlsClientError', (err, socket) => logHandshakeFailure(logger, 'tls', socket.remoteAddress, err));
  return new ServerListener('tls', server, address, logger);
}
