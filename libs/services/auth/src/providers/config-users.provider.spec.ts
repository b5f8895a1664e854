import { ConfigUsersProvider, PBKDF2_ITERATIONS } from './config-users.provider';

const request = (username?: string, password?: string) => ({
  clientId: 'c',
  remoteAddress: '10.0.0.1',
  protocolVersion: 4 as const,
  ...(username !== undefined ? { username } : {}),
  ...(password !== undefined ? { password: Buffer.from(password) } : {}),
});

describe('ConfigUsersProvider', () => {
  let provider: ConfigUsersProvider;

  beforeAll(async () => {
    provider = new ConfigUsersProvider(
      [
        { username: 'alice', password: 'wonderland', superuser: false },
        { username: 'root', password: 'toor', superuser: true },
      ],
      { iterations: 1000 },
    );
    await provider.start();
  });

  it('uses at least the OWASP minimum of 210,000 PBKDF2-SHA512 iterations by default', () => {
    expect(PBKDF2_ITERATIONS).toBeGreaterThanOrEqual(210_000);
  });

  it('accepts a configured user with the right password', async () => {
    expect(await provider.authenticate(request('alice', 'wonderland'))).toEqual({ decision: 'allow', superuser: false });
    expect(await provider.authenticate(request('root', 'toor'))).toEqual({ decision: 'allow', superuser: true });
  });

  it('refuses a configured user with a wrong or missing password as bad credentials', async () => {
    expect(await provider.authenticate(request('alice', 'wonderlan'))).toEqual({ decision: 'deny', reason: 'bad_credentials' });
    expect(await provider.authenticate(request('alice', ''))).toEqual({ decision: 'deny', reason: 'bad_credentials' });
    expect(await provider.authenticate(request('alice'))).toEqual({ decision: 'deny', reason: 'bad_credentials' });
  });

  it('passes unknown users and clients without a username to the next provider', async () => {
    expect(await provider.authenticate(request('mallory', 'wonderland'))).toEqual({ decision: 'ignore' });
    expect(await provider.authenticate(request('__proto__', 'x'))).toEqual({ decision: 'ignore' });
    expect(await provider.authenticate(request(undefined, 'wonderland'))).toEqual({ decision: 'ignore' });
  });

  it('knows which users are superusers', () => {
    expect(provider.isSuperuser('root')).toBe(true);
    expect(provider.isSuperuser('alice')).toBe(false);
    expect(provider.isSuperuser('constructor')).toBe(false);
    expect(provider.isSuperuser(undefined)).toBe(false);
  });
});
