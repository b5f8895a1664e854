import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpProvider } from './http.provider';

const request = (username?: string, password?: string) => ({
  clientId: 'dev-1',
  remoteAddress: '10.0.0.9',
  protocolVersion: 5 as const,
  ...(username !== undefined ? { username } : {}),
  ...(password !== undefined ? { password: Buffer.from(password) } : {}),
});

describe('HttpProvider against a local HTTP server', () => {
  let server: Server;
  let url: string;
  let handler: (req: IncomingMessage, res: ServerResponse, body: unknown) => void;
  const received: Array<{ body: unknown; headers: IncomingMessage['headers'] }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        received.push({ body, headers: req.headers });
        handler(req, res, body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/auth`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const answer = (status: number, json?: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(json === undefined ? '' : JSON.stringify(json));
  };

  it('posts clientid, username, password, peerhost and protocol with the configured headers', async () => {
    handler = answer(200, { result: 'allow' });
    const provider = new HttpProvider({ url, timeoutMs: 2000, headers: { authorization: 'Bearer k' } });
    expect(await provider.authenticate(request('alice', 'pw'))).toEqual({ decision: 'allow', superuser: false });
    const last = received.at(-1);
    expect(last?.body).toEqual({ clientid: 'dev-1', username: 'alice', password: 'pw', peerhost: '10.0.0.9', protocol: 'MQTT/5.0' });
    expect(last?.headers['authorization']).toBe('Bearer k');
  });

  it('follows allow with is_superuser, deny and ignore answers', async () => {
    const provider = new HttpProvider({ url, timeoutMs: 2000, headers: {} });
    handler = answer(200, { result: 'allow', is_superuser: true });
    expect(await provider.authenticate(request('root', 'pw'))).toEqual({ decision: 'allow', superuser: true });
    handler = answer(200, { result: 'deny' });
    expect(await provider.authenticate(request('bob', 'pw'))).toMatchObject({ decision: 'deny', reason: 'not_authorized' });
    handler = answer(200, { result: 'ignore' });
    expect(await provider.authenticate(request('carol', 'pw'))).toEqual({ decision: 'ignore' });
  });

  it('fails closed: a 5xx, a body without result or invalid JSON refuses as unavailable, a 4xx as not authorized', async () => {
    const provider = new HttpProvider({ url, timeoutMs: 2000, headers: {} });
    handler = answer(500, { result: 'allow' });
    expect(await provider.authenticate(request('a', 'b'))).toMatchObject({ decision: 'deny', reason: 'unavailable', detail: 'http callout answered 500' });
    handler = answer(200, { ok: true });
    expect(await provider.authenticate(request('a', 'b'))).toMatchObject({ decision: 'deny', reason: 'unavailable' });
    handler = (_req, res) => res.writeHead(200).end('{not json');
    expect(await provider.authenticate(request('a', 'b'))).toMatchObject({ decision: 'deny', reason: 'unavailable' });
    handler = answer(403, { result: 'allow' });
    expect(await provider.authenticate(request('a', 'b'))).toMatchObject({ decision: 'deny', reason: 'not_authorized' });
  });

  it('fails closed when the server does not answer within timeoutMs', async () => {
    const stalled: ServerResponse[] = [];
    handler = (_req, res) => stalled.push(res);
    const provider = new HttpProvider({ url, timeoutMs: 200, headers: {} });
    expect(await provider.authenticate(request('a', 'b'))).toMatchObject({ decision: 'deny', reason: 'unavailable' });
    for (const res of stalled) res.destroy();
  });

  it('fails closed when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const provider = new HttpProvider({ url: `http://127.0.0.1:${port}/`, timeoutMs: 2000, headers: {} });
    expect(await provider.authenticate(request('a', 'b'))).toMatchObject({ decision: 'deny', reason: 'unavailable' });
  });

  it('refuses an oversized answer instead of reading it all', async () => {
    handler = (_req, res) => res.writeHead(200).end(JSON.stringify({ result: 'allow', pad: 'x'.repeat(200_000) }));
    const provider = new HttpProvider({ url, timeoutMs: 2000, headers: {} });
    expect(await provider.authenticate(request('a', 'b'))).toMatchObject({ decision: 'deny', reason: 'unavailable' });
  });
});
