import { BlockList, isIP } from 'node:net';
import type { Ban } from '@mqp/contracts';

/** What a live connection is known by, for matching a ban announced on `subjects.authChanged`. */
export interface BanTarget {
  clientId: string;
  username: string | undefined;
  remoteAddress: string;
}

/**
 * Whether a ban names this connection: client id or username exactly, or the
 * address exactly or inside a CIDR block (IPv4-mapped IPv6 peers count as
 * their IPv4 address). A ban value that is not an address matches no address.
 */
export function banMatches(ban: Pick<Ban, 'kind' | 'value'>, target: BanTarget): boolean {
  if (ban.kind === 'clientid') return target.clientId === ban.value;
  if (ban.kind === 'username') return target.username !== undefined && target.username === ban.value;
  if (ban.kind !== 'ipaddr') return false;
  const address = target.remoteAddress.toLowerCase().startsWith('::ffff:') && isIP(target.remoteAddress.slice(7)) === 4 ? target.remoteAddress.slice(7) : target.remoteAddress;
  const family = isIP(address);
  if (family === 0) return false;
  const [net, prefix] = ban.value.split('/');
  const netFamily = isIP(net ?? '');
  if (netFamily === 0) return false;
  const list = new BlockList();
  const type = netFamily === 4 ? 'ipv4' : 'ipv6';
  try {
    if (prefix === undefined) list.addAddress(net!, type);
    else list.addSubnet(net!, Number(prefix), type);
    return list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  } catch {
    return false;
  }
}
