import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authSchema } from '@mqp/config';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { JwtProvider, type JwtConfig } from './jwt.provider';

const SECRET = 'a-shared-secret-of-at-least-32-bytes!!';
const now = () => Math.floor(Date.now() / 1000);

function jwtConfig(jwt: Partial<JwtConfig>): JwtConfig {
  return authSchema.parse({ jwt: { enabled: true, ...jwt } }).jwt;
}

const request = (password: string, username = 'dev-1') => ({
  clientId: 'c1',
  username,
  password: Buffer.from(password),
  remoteAddress: '10.0.0.1',
  protocolVersion: 5 as const,
});

function hs256(claims: Record<string, unknown>, secret = SECRET) {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
}

describe('JwtProvider with HS256', () => {
  const provider = new JwtProvider(jwtConfig({ secret: SECRET, issuer: 'https://issuer.test', audience: 'mqp', clockToleranceS: 0 }));
  const good = { iss: 'https://issuer.test', aud: 'mqp' };

  it('accepts a valid token and ends the connection at its exp', async () => {
    const exp = now() + 60;
    expect(await provider.authenticate(request(await hs256({ ...good, exp })))).toEqual({ decision: 'allow', superuser: false, expiresAt: exp * 1000 });
  });

  it('refuses a token signed with another secret as bad credentials', async () => {
    const token = await hs256({ ...good, exp: now() + 60 }, 'another-secret-another-secret-another');
    expect(await provider.authenticate(request(token))).toMatchObject({ decision: 'deny', reason: 'bad_credentials', detail: expect.stringContaining('ERR_JWS_SIGNATURE_VERIFICATION_FAILED') });
  });

  it('refuses an expired token', async () => {
    expect(await provider.authenticate(request(await hs256({ ...good, exp: now() - 10 })))).toMatchObject({
      decision: 'deny',
      reason: 'bad_credentials',
      detail: expect.stringContaining('ERR_JWT_EXPIRED'),
    });
  });

  it('refuses a token that is not valid yet (nbf)', async () => {
    expect(await provider.authenticate(request(await hs256({ ...good, nbf: now() + 60 })))).toMatchObject({ decision: 'deny', reason: 'bad_credentials' });
  });

  it('refuses a token from another issuer or for another audience', async () => {
    expect(await provider.authenticate(request(await hs256({ ...good, iss: 'https://evil.test' })))).toMatchObject({ decision: 'deny', reason: 'bad_credentials' });
    expect(await provider.authenticate(request(await hs256({ ...good, aud: 'other' })))).toMatchObject({ decision: 'deny', reason: 'bad_credentials' });
    expect(await provider.authenticate(request(await hs256({ aud: 'mqp' })))).toMatchObject({ decision: 'deny', reason: 'bad_credentials' });
  });

  it('refuses alg none and algorithms that are not allowed', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const body = Buffer.from(JSON.stringify(good)).toString('base64url');
    expect(await provider.authenticate(request(`${header}.${body}.`))).toMatchObject({ decision: 'deny', reason: 'bad_credentials' });
    const hs384 = await new SignJWT(good).setProtectedHeader({ alg: 'HS384' }).sign(new TextEncoder().encode(SECRET));
    expect(await provider.authenticate(request(hs384))).toMatchObject({ decision: 'deny', reason: 'bad_credentials' });
  });

  it('makes the connection a superuser when the superuser claim is true, and only when it is exactly true', async () => {
    expect(await provider.authenticate(request(await hs256({ ...good, superuser: true })))).toEqual({ decision: 'allow', superuser: true });
    for (const value of ['true', 1, false, 'yes']) {
      expect(await provider.authenticate(request(await hs256({ ...good, superuser: value })))).toEqual({ decision: 'allow', superuser: false });
    }
  });

  it('reads the superuser flag from the configured claim', async () => {
    const custom = new JwtProvider(jwtConfig({ secret: SECRET, superuserClaim: 'is_admin' }));
    expect(await custom.authenticate(request(await hs256({ is_admin: true })))).toEqual({ decision: 'allow', superuser: true });
    expect(await custom.authenticate(request(await hs256({ superuser: true })))).toEqual({ decision: 'allow', superuser: false });
  });

  it('passes a password that is not a JWT to the next provider', async () => {
    expect(await provider.authenticate(request('plain password'))).toEqual({ decision: 'ignore' });
  });

  it('turns the acl claim into the connection ACL, placeholders kept for the ACL check', async () => {
    const acl = [
      { permission: 'allow', action: 'pub', topics: ['devices/${clientid}/#'] },
      { permission: 'deny', action: 'all', topic: 'secret/#' },
    ];
    expect(await provider.authenticate(request(await hs256({ ...good, acl })))).toEqual({
      decision: 'allow',
      superuser: false,
      acl: [
        { permission: 'allow', action: 'publish', topics: ['devices/${clientid}/#'] },
        { permission: 'deny', action: 'all', topics: ['secret/#'] },
      ],
    });
  });

  it('refuses a token whose acl claim is malformed as not authorized', async () => {
    const token = await hs256({ ...good, acl: [{ permission: 'maybe', topics: ['#'] }] });
    expect(await provider.authenticate(request(token))).toMatchObject({ decision: 'deny', reason: 'not_authorized' });
  });

  it('reads the token from the username when configured, and can require a claim to match the username', async () => {
    const fromUsername = new JwtProvider(jwtConfig({ secret: SECRET, from: 'username' }));
    const token = await hs256({ sub: 'x' });
    expect(await fromUsername.authenticate({ clientId: 'c', username: token, remoteAddress: '::1', protocolVersion: 4 })).toMatchObject({ decision: 'allow' });
    const bound = new JwtProvider(jwtConfig({ secret: SECRET, usernameClaim: 'username' }));
    expect(await bound.authenticate(request(await hs256({ username: 'dev-1' }), 'dev-1'))).toMatchObject({ decision: 'allow' });
    expect(await bound.authenticate(request(await hs256({ username: 'dev-1' }), 'dev-2'))).toMatchObject({ decision: 'deny', reason: 'bad_credentials' });
  });
});

describe('JwtProvider with RS256 / ES256 keys', () => {
  let server: Server;
  let jwksUrl: string;
  let served: JWK[] = [];
  let fetches = 0;
  let failing = false;

  beforeAll(async () => {
    server = createServer((req, res) => {
      fetches++;
      if (failing) {
        res.writeHead(503).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: served }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    fetches = 0;
    failing = false;
  });

  async function keyPair(alg: 'RS256' | 'ES256', kid: string): Promise<{ privateKey: KeyLike; jwk: JWK; publicKey: KeyLike }> {
    const { privateKey, publicKey } = await generateKeyPair(alg);
    return { privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
  }

  const sign = (alg: 'RS256' | 'ES256', kid: string | undefined, key: KeyLike, claims: Record<string, unknown> = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg, ...(kid !== undefined ? { kid } : {}) })
      .setExpirationTime('1m')
      .sign(key);

  it.each(['RS256', 'ES256'] as const)('%s: accepts a token signed by a key of the JWKS and refuses one signed by another key', async (alg) => {
    const k1 = await keyPair(alg, `${alg}-1`);
    const stranger = await keyPair(alg, `${alg}-1`);
    served = [k1.jwk];
    const provider = new JwtProvider(jwtConfig({ jwksUrl, jwksMinRefetchMs: 0 }));
    expect(await provider.authenticate(request(await sign(alg, `${alg}-1`, k1.privateKey)))).toMatchObject({ decision: 'allow' });
    expect(await provider.authenticate(request(await sign(alg, `${alg}-1`, stranger.privateKey)))).toMatchObject({ decision: 'deny', reason: 'bad_credentials' });
  });

  it('caches the key set, and fetches it again when a token names an unknown kid (key rotation)', async () => {
    const k1 = await keyPair('ES256', 'k1');
    const k2 = await keyPair('ES256', 'k2');
    served = [k1.jwk];
    const provider = new JwtProvider(jwtConfig({ jwksUrl, jwksMinRefetchMs: 0 }));
    expect(await provider.authenticate(request(await sign('ES256', 'k1', k1.privateKey)))).toMatchObject({ decision: 'allow' });
    expect(await provider.authenticate(request(await sign('ES256', 'k1', k1.privateKey)))).toMatchObject({ decision: 'allow' });
    expect(fetches).toBe(1);
    // The issuer rotates: k2 is published and k1 withdrawn.
    served = [k2.jwk];
    expect(await provider.authenticate(request(await sign('ES256', 'k2', k2.privateKey)))).toMatchObject({ decision: 'allow' });
    expect(fetches).toBe(2);
  });

  it('refetches for unknown kids at most once per jwksMinRefetchMs', async () => {
    const k1 = await keyPair('ES256', 'k1');
    served = [k1.jwk];
    const provider = new JwtProvider(jwtConfig({ jwksUrl, jwksMinRefetchMs: 60_000 }));
    expect(await provider.authenticate(request(await sign('ES256', 'k1', k1.privateKey)))).toMatchObject({ decision: 'allow' });
    for (let i = 0; i < 5; i++) {
      expect(await provider.authenticate(request(await sign('ES256', `made-up-${i}`, k1.privateKey)))).toMatchObject({ decision: 'deny', reason: 'bad_credentials' });
    }
    expect(fetches).toBe(1);
  });

  it('refuses as unavailable when the JWKS cannot be fetched (fail closed)', async () => {
    const k1 = await keyPair('RS256', 'k1');
    failing = true;
    const provider = new JwtProvider(jwtConfig({ jwksUrl, jwksMinRefetchMs: 0 }));
    expect(await provider.authenticate(request(await sign('RS256', 'k1', k1.privateKey)))).toMatchObject({ decision: 'deny', reason: 'unavailable' });
  });

  it('verifies with a PEM public key from the config', async () => {
    const k = await keyPair('RS256', 'pem');
    const provider = new JwtProvider(jwtConfig({ publicKey: await exportSPKI(k.publicKey), algorithms: ['RS256'] }));
    expect(await provider.authenticate(request(await sign('RS256', undefined, k.privateKey)))).toMatchObject({ decision: 'allow' });
    // An HS256 token cannot ride on the public key (algorithm confusion): no secret is configured.
    expect(await provider.authenticate(request(await hs256({})))).toMatchObject({ decision: 'deny', reason: 'bad_credentials' });
  });
});
