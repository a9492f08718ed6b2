/**
 * Which IP addresses a server-side fetch of an attacker-chosen URL may connect to. Built from
 * the IANA IPv4 and IPv6 Special-Purpose Address Registries (every entry is refused, including
 * the few marked globally reachable: no metadata document lives there), plus multicast. An IPv6
 * address outside global unicast (2000::/3) is refused outright; v4-mapped IPv6 is judged by the
 * IPv4 address it carries.
 */
import { BlockList, isIP } from 'node:net';

const V4_SPECIAL: Array<[string, number]> = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // shared address space (CGNAT)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata services live here)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation (TEST-NET-1)
  ['192.31.196.0', 24], // AS112-v4
  ['192.52.193.0', 24], // AMT
  ['192.88.99.0', 24], // deprecated 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['192.175.48.0', 24], // direct delegation AS112
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation (TEST-NET-2)
  ['203.0.113.0', 24], // documentation (TEST-NET-3)
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, limited broadcast included
];

// Inside 2000::/3; everything outside it (::/96 incl. ::1 and ::, 64:ff9b::/96 NAT64, 100::/64,
// fc00::/7, fe80::/10, fec0::/10, ff00::/8 multicast, 5f00::/16) is refused by the range test.
const V6_SPECIAL: Array<[string, number]> = [
  ['2001::', 23], // IETF protocol assignments (Teredo, benchmarking, ORCHID, ...)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: carries an arbitrary IPv4 address
  ['2620:4f:8000::', 48], // direct delegation AS112
  ['3fff::', 20], // documentation
];

const special = new BlockList();
for (const [net, bits] of V4_SPECIAL) special.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of V6_SPECIAL) special.addSubnet(net, bits, 'ipv6');
const globalUnicast = new BlockList();
globalUnicast.addSubnet('2000::', 3, 'ipv6');

/** The eight 16-bit groups of a valid IPv6 address (an embedded dotted IPv4 tail included). */
function groups(ip: string): number[] {
  let text = ip;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const part = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const left = part(head);
  const right = part(tail);
  return tail === undefined ? left : [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** The IPv4 address a v4-mapped IPv6 address (::ffff:0:0/96) carries. */
function mappedV4(ip: string): string | undefined {
  const g = groups(ip);
  if (g.slice(0, 5).some((x) => x !== 0) || g[5] !== 0xffff) return undefined;
  return [g[6]! >> 8, g[6]! & 255, g[7]! >> 8, g[7]! & 255].join('.');
}

/** True for an address a fetch must not reach: special-purpose, private, loopback, multicast. */
export function isSpecialPurposeAddress(ip: string): boolean {
  const bare = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return special.check(bare, 'ipv4');
  if (family !== 6) return true;
  const v4 = mappedV4(bare);
  if (v4 !== undefined) return special.check(v4, 'ipv4');
  return !globalUnicast.check(bare, 'ipv6') || special.check(bare, 'ipv6');
}

/** Loopback only (127.0.0.0/8, ::1, v4-mapped loopback): the CIMD dev allowance. */
export function isLoopbackAddress(ip: string): boolean {
  const bare = ip.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 4) return bare.startsWith('127.');
  if (family !== 6) return false;
  const v4 = mappedV4(bare);
  if (v4 !== undefined) return v4.startsWith('127.');
  return groups(bare).join(':') === '0:0:0:0:0:0:0:1';
}
