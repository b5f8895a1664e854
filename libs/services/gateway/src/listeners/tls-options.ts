import { readFileSync } from 'node:fs';
import type { TlsOptions } from 'node:tls';

/** The certificate fields of `listeners.tls` and `listeners.wss` (see libs/config schema). */
export interface TlsListenerConfig {
  certFile?: string | undefined;
  keyFile?: string | undefined;
  caFile?: string | undefined;
  requestClientCert: boolean;
  requireClientCert: boolean;
  minVersion: 'TLSv1.2' | 'TLSv1.3';
  crlFile?: string | undefined;
}

/**
 * Server TLS options from config. Files are read here, at start, so a
 * missing or unreadable file fails the boot with its name rather than the
 * first handshake.
 */
export function tlsOptionsFrom(name: string, config: TlsListenerConfig, handshakeTimeoutMs: number): TlsOptions {
  const read = (key: 'certFile' | 'keyFile' | 'caFile' | 'crlFile'): Buffer | undefined => {
    const file = config[key];
    if (file === undefined) return undefined;
    try {
      return readFileSync(file);
    } catch (err) {
      throw new Error(`listeners.${name}.${key}: cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  };
  const cert = read('certFile');
  const key = read('keyFile');
  if (!cert || !key) throw new Error(`listeners.${name}: certFile and keyFile are required`);
  const ca = read('caFile');
  const options: TlsOptions = {
    cert,
    key,
    // HOSTILE-INPUTS.md limits: TLS ≥ 1.2 (Mosquitto 2)
    minVersion: config.minVersion,
    requestCert: config.requestClientCert || config.requireClientCert,
    // without requireClientCert a client may come without a certificate (or with one that does not
    // verify): the handshake succeeds and the certificate is simply not used as its identity
    rejectUnauthorized: config.requireClientCert,
    // a client that opens TCP and never finishes the handshake holds a socket: same bound as CONNECT (HiveMQ 10 s)
    handshakeTimeout: handshakeTimeoutMs,
  };
  if (ca) options.ca = ca;
  // a revoked client certificate fails verification: refused at the handshake with requireClientCert,
  // otherwise simply not used as the client's identity
  const crl = read('crlFile');
  if (crl) options.crl = crl;
  return options;
}
