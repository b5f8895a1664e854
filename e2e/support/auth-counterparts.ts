import { execFileSync } from 'node:child_process';
import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TestCertificates } from '@mqp/testing';

/**
 * The real counterparts of the auth providers, run by the e2e suite on
 * 127.0.0.1: an issuer serving its JWKS over HTTP, an HTTP callout endpoint,
 * and extra client certificates of a test CA.
 */

/** A small HTTP server on 127.0.0.1 that can be taken down and brought back on the same port. */
class LocalHttpServer {
  private server: Server | undefined;
  private boundPort = 0;
  /** Requests answered so far, by path (the suite checks the platform did ask). */
  readonly hits = new Map<string, number>();

  constructor(private readonly handle: (req: IncomingMessage, body: string, res: ServerResponse) => void) {}

  get port(): number {
    return this.boundPort;
  }

  async start(port = this.boundPort): Promise<number> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
        try {
          this.handle(req, Buffer.concat(chunks).toString('utf8'), res);
        } catch {
          res.writeHead(500).end();
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.boundPort = (server.address() as AddressInfo).port;
    return this.boundPort;
  }

  /** Closes the server and every kept-alive connection: the next request is refused. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

/** An RS256 issuer: a key pair made here, its public key served as a JWKS, tokens signed with node:crypto. */
export class JwtIssuer {
  readonly kid = 'e2e-key-1';
  private readonly privateKey: KeyObject;
  private readonly http: LocalHttpServer;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    const jwks = JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: this.kid, alg: 'RS256', use: 'sig' }] });
    this.http = new LocalHttpServer((_req, _body, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(jwks));
  }

  async start(): Promise<void> {
    await this.http.start();
  }

  get jwksUrl(): string {
    return `http://127.0.0.1:${this.http.port}/jwks.json`;
  }

  /** How many times the JWKS was fetched. */
  get fetches(): number {
    return this.http.hits.get('/jwks.json') ?? 0;
  }

  /** A compact JWS (RFC 7515) with these claims; `exp` in seconds, as RFC 7519 says. */
  sign(claims: Record<string, unknown>): string {
    const part = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
    const input = `${part({ alg: 'RS256', typ: 'JWT', kid: this.kid })}.${part(claims)}`;
    const signature = createSign('RSA-SHA256').update(input).sign(this.privateKey).toString('base64url');
    return `${input}.${signature}`;
  }

  stop(): Promise<void> {
    return this.http.stop();
  }
}

export type CalloutAnswer = 'allow' | 'deny' | 'ignore';

/** The HTTP callout endpoint: answers `{result}` from the username the platform POSTs (`decide`). */
export class CalloutServer {
  private readonly http: LocalHttpServer;
  /** Usernames the platform asked about, in order (null: a client without one). */
  readonly asked: (string | null)[] = [];

  constructor(decide: (username: string | null) => CalloutAnswer) {
    this.http = new LocalHttpServer((_req, body, res) => {
      const username = (JSON.parse(body) as { username?: string | null }).username ?? null;
      this.asked.push(username);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ result: decide(username) }));
    });
  }

  async start(): Promise<void> {
    await this.http.start();
  }

  get url(): string {
    return `http://127.0.0.1:${this.http.port}/auth`;
  }

  /** Takes the endpoint down (connections refused) until `restart`. */
  stop(): Promise<void> {
    return this.http.stop();
  }

  /** Back on the same port, so the platform's configured URL works again. */
  async restart(): Promise<void> {
    await this.http.start(this.http.port);
  }
}

export interface IssuedCertificate {
  certFile: string;
  cert: Buffer;
  key: Buffer;
}

/** One more client certificate (CN `cn`) signed by the CA of `certs`, made as `createTestCertificates` makes its own. */
export function issueClientCertificate(certs: TestCertificates, cn: string): IssuedCertificate {
  const path = (name: string): string => join(certs.dir, name);
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: certs.dir, stdio: ['ignore', 'ignore', 'pipe'] });
  };
  openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', path(`${cn}.key`));
  openssl('req', '-new', '-key', path(`${cn}.key`), '-out', path(`${cn}.csr`), '-subj', `/CN=${cn}`);
  writeFileSync(path(`${cn}.ext`), `subjectAltName=DNS:${cn}.example\nextendedKeyUsage=clientAuth\n`);
  openssl('x509', '-req', '-in', path(`${cn}.csr`), '-CA', certs.caFile, '-CAkey', path('ca.key'), '-CAcreateserial', '-out', path(`${cn}.crt`), '-days', '1', '-extfile', path(`${cn}.ext`));
  return { certFile: path(`${cn}.crt`), cert: readFileSync(path(`${cn}.crt`)), key: readFileSync(path(`${cn}.key`)) };
}
