import { banMatches } from './ban-matcher';

const target = { clientId: 'c1', username: 'alice', remoteAddress: '::ffff:10.1.2.3' };

describe('banMatches', () => {
  it('matches client ids and usernames exactly', () => {
    expect(banMatches({ kind: 'clientid', value: 'c1' }, target)).toBe(true);
    expect(banMatches({ kind: 'clientid', value: 'c' }, target)).toBe(false);
    expect(banMatches({ kind: 'username', value: 'alice' }, target)).toBe(true);
    expect(banMatches({ kind: 'username', value: 'alice' }, { ...target, username: undefined })).toBe(false);
  });

  it('matches an address exactly or inside a CIDR block, IPv4-mapped peers as IPv4', () => {
    expect(banMatches({ kind: 'ipaddr', value: '10.1.2.3' }, target)).toBe(true);
    expect(banMatches({ kind: 'ipaddr', value: '10.0.0.0/8' }, target)).toBe(true);
    expect(banMatches({ kind: 'ipaddr', value: '10.1.2.4' }, target)).toBe(false);
    expect(banMatches({ kind: 'ipaddr', value: '::1' }, { ...target, remoteAddress: '::1' })).toBe(true);
    expect(banMatches({ kind: 'ipaddr', value: 'not-an-address' }, target)).toBe(false);
  });
});
