import { randomBytes } from 'node:crypto';
import { deriveScramCredentials, hmac, saltedPassword, scramKeys, sha256 } from './scram-credentials';
import { ScramServer, type ScramStep, type ScramUser } from './scram-server';

/** A minimal SCRAM-SHA-256 client (RFC 5802 §3), independent of the server's parsing. */
function clientFinal(opts: { password: string; clientFirstBare: string; serverFirst: string; gs2?: string }): { message: string; expectedServerFinal: string } {
  const attrs = new Map(opts.serverFirst.split(',').map((a) => [a[0], a.slice(2)] as const));
  const salted = saltedPassword(opts.password, Buffer.from(attrs.get('s') ?? '', 'base64'), Number(attrs.get('i')));
  const { clientKey, storedKey, serverKey } = scramKeys(salted);
  const withoutProof = `c=${Buffer.from(opts.gs2 ?? 'n,,').toString('base64')},r=${attrs.get('r')}`;
  const authMessage = `${opts.clientFirstBare},${opts.serverFirst},${withoutProof}`;
  const signature = hmac(storedKey, authMessage);
  const proof = Buffer.from(clientKey.map((b, i) => b ^ (signature[i] as number)));
  return { message: `${withoutProof},p=${proof.toString('base64')}`, expectedServerFinal: `v=${hmac(serverKey, authMessage).toString('base64')}` };
}

const SECRET = Buffer.alloc(32, 7);
const buf = (s: string): Buffer => Buffer.from(s, 'utf8');

function serverWith(users: Record<string, ScramUser>, extra: Partial<ConstructorParameters<typeof ScramServer>[0]> = {}): ScramServer {
  const map = new Map(Object.entries(users));
  return new ScramServer({ secret: SECRET, lookup: async (u) => map.get(u), ...extra });
}

function expectContinue(step: ScramStep): Extract<ScramStep, { outcome: 'continue' }> {
  if (step.outcome !== 'continue') throw new Error(`expected continue, got ${JSON.stringify(step)}`);
  return step;
}

describe('SCRAM-SHA-256 server (RFC 5802, RFC 7677)', () => {
  // RFC 7677 §3
  const rfcSalt = 'W22ZaJ0SNY7soEsUEjb6gQ==';
  const rfcUser: ScramUser = { scram: deriveScramCredentials('pencil', 4096, Buffer.from(rfcSalt, 'base64')), superuser: false };

  it('replays the RFC 7677 §3 example exactly: server-first and server-final', async () => {
    const server = serverWith({ user: rfcUser }, { nonce: () => '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0' });
    const first = expectContinue(await server.start(buf('n,,n=user,r=rOprNGfwEbeRWgbNEkqO')));
    expect(first.data.toString()).toBe('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
    const final = await server.finish(
      buf('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ='),
      first.state,
    );
    expect(final).toEqual({ outcome: 'allow', data: buf('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='), username: 'user', superuser: false });
  });

  it('derives the stored credentials of RFC 7677 §3 from the password', () => {
    const creds = deriveScramCredentials('pencil', 4096, Buffer.from(rfcSalt, 'base64'));
    expect(creds.salt).toBe(rfcSalt);
    expect(creds.iterations).toBe(4096);
    // H(ClientKey) and HMAC(SaltedPassword, "Server Key"), computed independently
    const salted = saltedPassword('pencil', Buffer.from(rfcSalt, 'base64'), 4096);
    expect(creds.storedKey).toBe(sha256(hmac(salted, 'Client Key')).toString('base64'));
    expect(creds.serverKey).toBe(hmac(salted, 'Server Key').toString('base64'));
  });

  it('derives a fresh random salt each time by default', () => {
    expect(deriveScramCredentials('x', 1).salt).not.toBe(deriveScramCredentials('x', 1).salt);
  });

  const alice: ScramUser = { scram: deriveScramCredentials('s3cret', 4096), superuser: true };

  async function run(server: ScramServer, password: string, opts: { username?: string; gs2?: string; tamper?: (m: string) => string } = {}): Promise<ScramStep> {
    const gs2 = opts.gs2 ?? 'n,,';
    const bare = `n=${opts.username ?? 'alice'},r=${randomBytes(12).toString('base64')}`;
    const first = expectContinue(await server.start(buf(gs2 + bare)));
    const { message } = clientFinal({ password, clientFirstBare: bare, serverFirst: first.data.toString(), gs2 });
    return server.finish(buf(opts.tamper ? opts.tamper(message) : message), first.state);
  }

  it('allows the right password, answers the signature the client expects, and says who and whether superuser', async () => {
    const server = serverWith({ alice });
    const bare = 'n=alice,r=abcdefgh';
    const first = expectContinue(await server.start(buf(`n,,${bare}`)));
    expect(first.data.toString()).toMatch(/^r=abcdefgh[^,]+,s=[A-Za-z0-9+/=]+,i=4096$/);
    const { message, expectedServerFinal } = clientFinal({ password: 's3cret', clientFirstBare: bare, serverFirst: first.data.toString() });
    const final = await server.finish(buf(message), first.state);
    expect(final).toEqual({ outcome: 'allow', data: buf(expectedServerFinal), username: 'alice', superuser: true });
  });

  it('accepts the gs2 flag y (client could bind, thinks the server cannot) and an authzid equal to the username', async () => {
    const server = serverWith({ alice });
    expect((await run(server, 's3cret', { gs2: 'y,,' })).outcome).toBe('allow');
    expect((await run(server, 's3cret', { gs2: 'n,a=alice,' })).outcome).toBe('allow');
  });

  it('refuses a wrong password at the proof', async () => {
    expect(await run(serverWith({ alice }), 'wrong')).toMatchObject({ outcome: 'deny', detail: 'wrong proof', username: 'alice' });
  });

  it('refuses a client-final whose nonce was changed', async () => {
    const step = await run(serverWith({ alice }), 's3cret', { tamper: (m) => m.replace(/,r=([^,]+)/, ',r=$1x') });
    expect(step).toMatchObject({ outcome: 'deny', detail: 'nonce mismatch' });
  });

  it('refuses a client-final whose channel binding does not repeat the gs2 header', async () => {
    const step = await run(serverWith({ alice }), 's3cret', { tamper: (m) => m.replace('c=biws', `c=${Buffer.from('y,,').toString('base64')}`) });
    expect(step).toMatchObject({ outcome: 'deny' });
  });

  it('refuses a proof of the wrong length or a flipped bit', async () => {
    const server = serverWith({ alice });
    expect((await run(server, 's3cret', { tamper: (m) => m.replace(/p=.*$/, 'p=AAAA') })).outcome).toBe('deny');
    const flip = (m: string): string => {
      const proof = Buffer.from(m.slice(m.indexOf(',p=') + 3), 'base64');
      proof[0] = (proof[0] as number) ^ 1;
      return `${m.slice(0, m.indexOf(',p=') + 3)}${proof.toString('base64')}`;
    };
    expect((await run(server, 's3cret', { tamper: flip })).outcome).toBe('deny');
  });

  it('does not reveal an unknown user before the proof: same shape of server-first, a stable salt, the usual iterations', async () => {
    const server = serverWith({ alice });
    const known = expectContinue(await server.start(buf('n,,n=alice,r=abc')));
    const unknown = expectContinue(await server.start(buf('n,,n=mallory,r=abc')));
    const again = expectContinue(await server.start(buf('n,,n=mallory,r=xyz')));
    const shape = (s: string): string => s.replace(/[A-Za-z0-9+/]/g, 'x');
    expect(shape(unknown.data.toString())).toBe(shape(known.data.toString()));
    const salt = (s: Buffer): string | undefined => /,s=([^,]+),/.exec(s.toString())?.[1];
    expect(salt(again.data)).toBe(salt(unknown.data));
    expect(salt(unknown.data)).not.toBe(salt(known.data));
    expect(unknown.state.length).toBeGreaterThan(0);
    expect(await run(server, 'anything', { username: 'mallory' })).toMatchObject({ outcome: 'deny', detail: 'unknown user' });
    // another server secret, another fake salt: it cannot be computed without the secret
    const other = expectContinue(await serverWith({}, { secret: Buffer.alloc(32, 9) }).start(buf('n,,n=mallory,r=abc')));
    expect(salt(other.data)).not.toBe(salt(unknown.data));
  });

  it.each([
    ['channel binding p=', 'p=tls-unique,,n=alice,r=abc'],
    ['a bad gs2 flag', 'x,,n=alice,r=abc'],
    ['no gs2 header', 'n=alice,r=abc'],
    ['a mandatory extension m=', 'n,,m=ext,n=alice,r=abc'],
    ['r before n', 'n,,r=abc,n=alice'],
    ['an empty username', 'n,,n=,r=abc'],
    ['a bad = escape in the username', 'n,,n=al=ice,r=abc'],
    ['a non-ASCII username', 'n,,n=ålice,r=abc'],
    ['an authzid of someone else', 'n,a=bob,n=alice,r=abc'],
    ['an empty nonce', 'n,,n=alice,r='],
    ['an attribute without =', 'n,,n=alice,r=abc,junk'],
    ['nothing', ''],
  ])('refuses a client-first with %s', async (_name, message) => {
    expect((await serverWith({ alice }).start(buf(message))).outcome).toBe('deny');
  });

  it('decodes =2C and =3D in usernames', async () => {
    const step = expectContinue(await serverWith({}).start(buf('n,,n=a=2Cb=3Dc,r=abc')));
    expect(step.username).toBe('a,b=c');
  });

  it.each([
    ['no proof', (m: string) => m.replace(/,p=.*$/, '')],
    ['the proof not last', (m: string) => m.replace(/^(c=[^,]+),(r=[^,]+),(p=.*)$/, '$1,$3,$2')],
    ['bad base64 in the proof', (m: string) => m.replace(/p=.*$/, 'p=!!!')],
    ['garbage', () => 'hello'],
  ])('refuses a client-final with %s', async (_name, tamper) => {
    expect((await run(serverWith({ alice }), 's3cret', { tamper })).outcome).toBe('deny');
  });

  it('refuses a state that was tampered with, sealed for another connection, or expired', async () => {
    let now = 1_000;
    const server = serverWith({ alice }, { now: () => now, stateTtlMs: 5_000 });
    const bare = 'n=alice,r=abc';
    const first = expectContinue(await server.start(buf(`n,,${bare}`), 'client-1'));
    const { message } = clientFinal({ password: 's3cret', clientFirstBare: bare, serverFirst: first.data.toString() });
    const tampered = Buffer.from(first.state);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1;
    expect((await server.finish(buf(message), tampered, 'client-1')).outcome).toBe('deny');
    expect((await server.finish(buf(message), first.state, 'client-2')).outcome).toBe('deny');
    expect((await server.finish(buf(message), Buffer.from('junk'), 'client-1')).outcome).toBe('deny');
    now += 5_001;
    expect(await server.finish(buf(message), first.state, 'client-1')).toMatchObject({ outcome: 'deny', detail: 'exchange state invalid or expired' });
    now -= 5_001;
    expect((await server.finish(buf(message), first.state, 'client-1')).outcome).toBe('allow');
  });

  it('checks a non-ASCII password after NFKC, as a SASLprep client sends it', async () => {
    const server = serverWith({ u: { scram: deriveScramCredentials('ｐａｓｓ\u00a0word'), superuser: false } });
    expect((await run(server, 'pass word', { username: 'u' })).outcome).toBe('allow');
  });
});
