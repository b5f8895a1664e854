import { authSchema } from '@mqp/config';
import type { AuthExchangeRequest, AuthExchangeResult } from '@mqp/contracts';
import { silentLogger } from '@mqp/runtime';
import { MemoryAuthStore } from '@mqp/storage';
import { AuthService } from '../auth.service';
import { deriveScramCredentials, hmac, saltedPassword, scramKeys } from './scram-credentials';

type AuthInput = Parameters<typeof authSchema.parse>[0];

async function service(auth: AuthInput, store?: MemoryAuthStore, scramSecret?: Buffer): Promise<AuthService> {
  const s = new AuthService(authSchema.parse(auth), silentLogger, {
    hashing: { argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 } },
    ...(store ? { store, storePollMs: 60_000 } : {}),
    ...(scramSecret ? { scramSecret } : {}),
  });
  await s.start();
  return s;
}

const base = { clientId: 'c1', remoteAddress: '10.0.0.1', protocolVersion: 5 as const };

/** A whole SCRAM-SHA-256 exchange as a client runs it; answers the final result. */
async function scramLogin(auth: AuthService, username: string, password: string, extra: Partial<AuthExchangeRequest> = {}, finishOn = auth): Promise<AuthExchangeResult> {
  const bare = `n=${username},r=clientnonce123`;
  const first = await auth.authenticateExchange({ ...base, method: 'SCRAM-SHA-256', data: Buffer.from(`n,,${bare}`), ...extra });
  if (first.outcome !== 'continue') return first;
  const serverFirst = first.data.toString();
  const attrs = new Map(serverFirst.split(',').map((a) => [a[0], a.slice(2)] as const));
  const { clientKey, storedKey } = scramKeys(saltedPassword(password, Buffer.from(attrs.get('s') ?? '', 'base64'), Number(attrs.get('i'))));
  const withoutProof = `c=biws,r=${attrs.get('r')}`;
  const signature = hmac(storedKey, `${bare},${serverFirst},${withoutProof}`);
  const proof = Buffer.from(clientKey.map((b, i) => b ^ (signature[i] as number))).toString('base64');
  return finishOn.authenticateExchange({ ...base, method: 'SCRAM-SHA-256', data: Buffer.from(`${withoutProof},p=${proof}`), state: first.state, ...extra });
}

describe('AuthService enhanced authentication (SCRAM-SHA-256)', () => {
  it('lets a config user with a plain-text password in with SCRAM, with its superuser flag and username, and answers server-final', async () => {
    const auth = await service({ users: [{ username: 'alice', password: 'secret', superuser: true }] });
    const result = await scramLogin(auth, 'alice', 'secret');
    expect(result).toMatchObject({ outcome: 'allow', superuser: true, username: 'alice' });
    expect(result.outcome === 'allow' && result.data?.toString()).toMatch(/^v=/);
  });

  it('refuses a wrong password and an unknown user alike, as not authorized', async () => {
    const auth = await service({ users: [{ username: 'alice', password: 'secret' }] });
    expect(await scramLogin(auth, 'alice', 'wrong')).toEqual({ outcome: 'deny', reason: 'not_authorized' });
    expect(await scramLogin(auth, 'nobody', 'secret')).toEqual({ outcome: 'deny', reason: 'not_authorized' });
  });

  it('uses the SCRAM credentials of a user of the auth store', async () => {
    const store = new MemoryAuthStore();
    await store.putUser({ username: 'bob', passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA', superuser: false, scram: deriveScramCredentials('hunter2') });
    await store.putUser({ username: 'carol', passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA', superuser: false });
    const auth = await service({}, store);
    try {
      expect(await scramLogin(auth, 'bob', 'hunter2')).toMatchObject({ outcome: 'allow', username: 'bob' });
      // no scram field: the user cannot use SCRAM
      expect(await scramLogin(auth, 'carol', 'anything')).toEqual({ outcome: 'deny', reason: 'not_authorized' });
    } finally {
      auth.stop();
    }
  });

  it('refuses any other method as bad_auth_method', async () => {
    const auth = await service({ users: [{ username: 'alice', password: 'secret' }] });
    expect(await auth.authenticateExchange({ ...base, method: 'SCRAM-SHA-1', data: Buffer.from('n,,n=alice,r=x') })).toEqual({ outcome: 'deny', reason: 'bad_auth_method' });
  });

  it('refuses a CONNECT user name that is not the SCRAM username', async () => {
    const auth = await service({ users: [{ username: 'alice', password: 'secret' }] });
    expect(await scramLogin(auth, 'alice', 'secret', { username: 'mallory' })).toEqual({ outcome: 'deny', reason: 'not_authorized' });
    expect(await scramLogin(auth, 'alice', 'secret', { username: 'alice' })).toMatchObject({ outcome: 'allow' });
  });

  it('refuses a banned client id at the first step and a banned username at the last', async () => {
    const auth = await service({ users: [{ username: 'alice', password: 'secret' }], banned: [{ username: 'alice' }] });
    expect(await scramLogin(auth, 'alice', 'secret')).toEqual({ outcome: 'deny', reason: 'banned' });
    await auth.ban({ kind: 'clientid', value: 'c9' });
    expect(await scramLogin(auth, 'alice', 'secret', { clientId: 'c9' })).toEqual({ outcome: 'deny', reason: 'banned' });
  });

  it('finishes on another instance an exchange started on one when they share the secret, and only then', async () => {
    const users = [{ username: 'alice', password: 'secret' }];
    const secret = Buffer.alloc(32, 1);
    const [a, b] = [await service({ users }, undefined, secret), await service({ users }, undefined, secret)];
    expect(await scramLogin(a, 'alice', 'secret', {}, b)).toMatchObject({ outcome: 'allow', username: 'alice' });
    const stranger = await service({ users });
    expect(await scramLogin(a, 'alice', 'secret', {}, stranger)).toEqual({ outcome: 'deny', reason: 'not_authorized' });
  });

  it('refuses the state of one connection on another (client id bound)', async () => {
    const auth = await service({ users: [{ username: 'alice', password: 'secret' }] });
    const first = await auth.authenticateExchange({ ...base, method: 'SCRAM-SHA-256', data: Buffer.from('n,,n=alice,r=abc') });
    if (first.outcome !== 'continue') throw new Error('expected continue');
    expect(await auth.authenticateExchange({ ...base, clientId: 'c2', method: 'SCRAM-SHA-256', data: Buffer.from('c=biws,r=x,p=AAAA'), state: first.state })).toEqual({
      outcome: 'deny',
      reason: 'not_authorized',
    });
  });
});
