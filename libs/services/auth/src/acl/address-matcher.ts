import { BlockList, isIP } from 'node:net';

/** Whether a client address falls under an `ipaddr` rule or ban. */
export type AddressMatcher = (address: string) => boolean;

/**
 * Compiles an exact address (`10.0.0.1`, `::1`) or a CIDR block
 * (`10.0.0.0/8`, `2001:db8::/32`). Node's BlockList also matches an
 * IPv4-mapped IPv6 address (`::ffff:10.0.0.1`, what a dual-stack listener
 * reports) against IPv4 blocks. A malformed spec throws: it comes from the
 * config or the admin API and must fail loudly, never match nothing silently.
 */
export function compileAddressMatcher(spec: string): AddressMatcher {
  const slash = spec.indexOf('/');
  const base = slash === -1 ? spec : spec.slice(0, slash);
  const family = isIP(base);
  if (family === 0) throw new Error(`not an IP address or CIDR block: ${JSON.stringify(spec)}`);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  if (slash === -1) {
    list.addAddress(base, type);
  } else {
    const prefixText = spec.slice(slash + 1);
    const prefix = Number(prefixText);
    if (!/^\d{1,3}$/.test(prefixText) || prefix > (family === 4 ? 32 : 128)) throw new Error(`bad CIDR prefix length in ${JSON.stringify(spec)}`);
    list.addSubnet(base, prefix, type);
  }
  return (address) => {
    const f = isIP(address);
    return f !== 0 && list.check(address, f === 4 ? 'ipv4' : 'ipv6');
  };
}
