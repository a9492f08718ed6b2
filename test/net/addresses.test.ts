/** The special-purpose filter, range edges included (IANA IPv4/IPv6 Special-Purpose registries). */
import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, isSpecialPurposeAddress } from '../../server/net/addresses';

const refused = [
  '0.0.0.0', '10.0.0.1', '100.64.0.1', '100.127.255.255', '127.0.0.1', '169.254.169.254', '172.16.0.1', '172.31.255.255',
  '192.0.0.8', '192.0.2.1', '192.31.196.1', '192.52.193.1', '192.88.99.1', '192.168.1.1', '192.175.48.1', '198.18.0.0', '198.19.255.255',
  '198.51.100.7', '203.0.113.9', '224.0.0.251', '239.255.255.250', '240.0.0.1', '255.255.255.255',
  '::', '::1', '::a00:1', '::7f00:1', '::ffff:10.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:a9fe:a9fe', '64:ff9b::a00:1', '64:ff9b:1::1',
  '100::1', '2001::1', '2001:db8::1', '2002:a00:1::', '2620:4f:8000::1', '3fff::1', '5f00::1', 'fc00::1', 'fd12:3456::1', 'fe80::1',
  'fe80::1%eth0', 'fec0::1', 'feff::1', 'ff02::1', 'ff0e::1', '[::1]', 'not-an-ip', '',
];
const allowed = ['8.8.8.8', '1.1.1.1', '100.63.255.255', '100.128.0.0', '172.15.255.255', '172.32.0.0', '198.17.255.255', '198.20.0.0', '223.255.255.255', '93.184.215.14', '::ffff:8.8.8.8', '::ffff:808:808', '2606:4700::1111', '2a00:1450::1', '2001:200::1'];

describe('isSpecialPurposeAddress', () => {
  it.each(refused)('refuses %s', (ip) => expect(isSpecialPurposeAddress(ip)).toBe(true));
  it.each(allowed)('allows %s', (ip) => expect(isSpecialPurposeAddress(ip)).toBe(false));
});

describe('isLoopbackAddress', () => {
  it('knows loopback in every spelling and nothing else', () => {
    expect(['127.0.0.1', '127.8.9.10', '::1', '0:0:0:0:0:0:0:1', '[::1]', '::ffff:127.0.0.1', '::ffff:7f00:2'].map(isLoopbackAddress)).toEqual(Array(7).fill(true));
    expect(['10.0.0.1', '::', '::2', '128.0.0.1', 'localhost', '::7f00:1'].map(isLoopbackAddress)).toEqual(Array(6).fill(false));
  });
});
