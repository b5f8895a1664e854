import { compileAddressMatcher } from './address-matcher';

describe('compileAddressMatcher', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1', true],
    ['10.0.0.1', '10.0.0.2', false],
    ['10.0.0.0/8', '10.255.1.2', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['192.168.1.0/24', '192.168.1.77', true],
    ['192.168.1.0/24', '192.168.2.1', false],
    ['0.0.0.0/0', '203.0.113.9', true],
    ['10.0.0.0/8', '::ffff:10.1.2.3', true],
    ['127.0.0.1', '::ffff:127.0.0.1', true],
    ['::1', '::1', true],
    ['::1', '0:0:0:0:0:0:0:1', true],
    ['2001:db8::/32', '2001:db8:abcd::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['2001:db8::/32', '10.0.0.1', false],
    ['10.0.0.0/8', '2001:db8::1', false],
    ['10.0.0.0/8', 'not-an-address', false],
    ['10.0.0.0/8', '', false],
  ])('%s matches %j: %s', (spec, address, expected) => {
    expect(compileAddressMatcher(spec)(address)).toBe(expected);
  });

  it.each(['10.0.0.0/33', '2001:db8::/129', '10.0.0.0/', '10.0.0.0/8x', 'example.com', '10.0.0', ''])('refuses the malformed spec %j', (spec) => {
    expect(() => compileAddressMatcher(spec)).toThrow();
  });
});
