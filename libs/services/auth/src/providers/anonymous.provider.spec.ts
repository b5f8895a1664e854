import { AnonymousProvider, isLoopback } from './anonymous.provider';

const request = (remoteAddress: string, username?: string) => ({
  clientId: 'c',
  remoteAddress,
  protocolVersion: 5 as const,
  ...(username !== undefined ? { username } : {}),
});

describe('AnonymousProvider', () => {
  it('passes clients that send a username to the next provider', async () => {
    const provider = new AnonymousProvider({ allowAnonymous: true, hasUsers: false });
    expect(await provider.authenticate(request('10.0.0.1', 'alice'))).toEqual({ decision: 'ignore' });
  });

  it('accepts anonymous clients from anywhere when allowAnonymous is true', async () => {
    const provider = new AnonymousProvider({ allowAnonymous: true, hasUsers: true });
    expect(await provider.authenticate(request('10.0.0.1'))).toEqual({ decision: 'allow', superuser: false });
  });

  it('refuses anonymous clients, even from loopback, when allowAnonymous is false', async () => {
    const provider = new AnonymousProvider({ allowAnonymous: false, hasUsers: false });
    expect(await provider.authenticate(request('127.0.0.1'))).toEqual({ decision: 'deny', reason: 'not_authorized' });
  });

  it('with nothing configured, accepts loopback and refuses other addresses', async () => {
    const provider = new AnonymousProvider({ allowAnonymous: undefined, hasUsers: false });
    expect(await provider.authenticate(request('127.0.0.1'))).toEqual({ decision: 'allow', superuser: false });
    expect(await provider.authenticate(request('::1'))).toEqual({ decision: 'allow', superuser: false });
    expect(await provider.authenticate(request('192.168.1.10'))).toEqual({ decision: 'deny', reason: 'not_authorized' });
  });

  it('with users configured and allowAnonymous unset, refuses anonymous clients from loopback too', async () => {
    const provider = new AnonymousProvider({ allowAnonymous: undefined, hasUsers: true });
    expect(await provider.authenticate(request('127.0.0.1'))).toEqual({ decision: 'deny', reason: 'not_authorized' });
  });
});

describe('isLoopback', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.3.4', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['::FFFF:127.1.2.3', true],
    ['0:0:0:0:0:0:0:1', true],
    ['128.0.0.1', false],
    ['10.127.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['::2', false],
    ['127.0.0.1.evil.example', false],
    ['', false],
  ])('%j → %s', (address, expected) => {
    expect(isLoopback(address)).toBe(expected);
  });
});
