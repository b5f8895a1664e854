import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM files of a throwaway PKI: paths for config, contents for clients. */
export interface TestCertificates {
  dir: string;
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  ca: Buffer;
  clientCert: Buffer;
  clientKey: Buffer;
  /** A client certificate signed by a CA the server does not trust. */
  strangerCert: Buffer;
  strangerKey: Buffer;
  /** Revokes a certificate this CA signed (default: the client's) with `openssl ca`; returns the path of the CA's new CRL (PEM). */
  revoke(certFile?: string): string;
  remove(): void;
}

/**
 * Generates a CA, a server certificate for `localhost` / 127.0.0.1 and client
 * certificates (CN `clientCN`, SAN `DNS:<clientCN>.example`) with the
 * `openssl` command, into a fresh temp dir. EC P-256 keys, valid one day.
 */
export function createTestCertificates(clientCN = 'device-1'): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'mqp-certs-'));
  const path = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const key = (name: string): void => openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', path(name));
  const selfSignedCa = (name: string, cn: string): void => {
    key(`${name}.key`);
    openssl('req', '-x509', '-new', '-key', path(`${name}.key`), '-out', path(`${name}.crt`), '-days', '1', '-subj', `/CN=${cn}`);
  };
  const signed = (name: string, ca: string, cn: string, ext: string): void => {
    key(`${name}.key`);
    openssl('req', '-new', '-key', path(`${name}.key`), '-out', path(`${name}.csr`), '-subj', `/CN=${cn}`);
    writeFileSync(path(`${name}.ext`), ext);
    openssl(
      'x509', '-req', '-in', path(`${name}.csr`), '-CA', path(`${ca}.crt`), '-CAkey', path(`${ca}.key`), '-CAcreateserial',
      '-out', path(`${name}.crt`), '-days', '1', '-extfile', path(`${name}.ext`),
    );
  };
  try {
    selfSignedCa('ca', 'mqp test CA');
    selfSignedCa('stranger-ca', 'someone else');
    signed('server', 'ca', 'localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    signed('client', 'ca', clientCN, `subjectAltName=DNS:${clientCN}.example\nextendedKeyUsage=clientAuth\n`);
    signed('stranger', 'stranger-ca', clientCN, 'extendedKeyUsage=clientAuth\n');
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl failed: ${stderr || String(err)}`, { cause: err });
  }
  return {
    dir,
    caFile: path('ca.crt'),
    serverCertFile: path('server.crt'),
    serverKeyFile: path('server.key'),
    clientCertFile: path('client.crt'),
    clientKeyFile: path('client.key'),
    ca: readFileSync(path('ca.crt')),
    clientCert: readFileSync(path('client.crt')),
    clientKey: readFileSync(path('client.key')),
    strangerCert: readFileSync(path('stranger.crt')),
    strangerKey: readFileSync(path('stranger.key')),
    revoke: (certFile = path('client.crt')) => {
      // `openssl ca` keeps its revocations in index.txt; a minimal config is enough for -revoke and -gencrl
      writeFileSync(
        path('ca.cnf'),
        `[ ca ]\ndefault_ca = test_ca\n[ test_ca ]\ndatabase = ${path('index.txt')}\ncrlnumber = ${path('crlnumber')}\ndefault_md = sha256\ndefault_crl_days = 1\n`,
      );
      if (!existsSync(path('index.txt'))) writeFileSync(path('index.txt'), '');
      if (!existsSync(path('crlnumber'))) writeFileSync(path('crlnumber'), '01\n');
      const ca = ['-config', path('ca.cnf'), '-keyfile', path('ca.key'), '-cert', path('ca.crt')];
      openssl('ca', ...ca, '-revoke', certFile);
      openssl('ca', ...ca, '-gencrl', '-out', path('ca.crl'));
      return path('ca.crl');
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
