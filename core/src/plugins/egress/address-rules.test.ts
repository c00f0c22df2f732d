import { describe, expect, it } from 'vitest';
import { classifyAddress } from './address-rules.js';

describe('classifyAddress', () => {
  it.each([
    '93.184.215.14',
    '8.8.8.8',
    '1.1.1.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8', // mapped public v4 is as public as the v4 itself
    '64:ff9b::808:808', // NAT64 of 8.8.8.8
    '2002:808:808::1', // 6to4 of 8.8.8.8
  ])('%s is public', (address) => {
    expect(classifyAddress(address)).toEqual({ kind: 'public' });
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.255', 'carrierGradeNat'],
    ['192.0.2.1', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['::ffff:127.0.0.1', 'ipv4Mapped of loopback'],
    ['::ffff:7f00:1', 'ipv4Mapped of loopback'],
    ['::ffff:10.0.0.1', 'ipv4Mapped of private'],
    ['::ffff:0:7f00:1', 'rfc6145 of loopback'],
    ['::7f00:1', 'ipv4Compatible'], // deprecated ::127.0.0.1
    ['64:ff9b::7f00:1', 'nat64 of loopback'],
    ['64:ff9b::a00:1', 'nat64 of private'],
    ['64:ff9b:1::a00:1', 'rfc6052'],
    ['2002:7f00:1::1', '6to4 of loopback'],
    ['2002:c0a8:101::1', '6to4 of private'],
    // Teredo: server 65.54.227.120 (public), client 192.168.1.1 stored XOR 0xffff.
    ['2001:0:4136:e378:8000:63bf:3f57:fefe', 'teredo client of private'],
    ['2001:0:7f00:1::1', 'teredo server of loopback'],
    ['2001:db8::1', 'reserved'],
    ['fec0::1', 'deprecatedSiteLocal'],
    ['100::1', 'discard'],
  ])('%s is private (%s)', (address, range) => {
    expect(classifyAddress(address)).toEqual({ kind: 'private', range });
  });

  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['169.254.169.254', 'linkLocal'],
    ['169.254.0.1', 'linkLocal'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['febf::1', 'linkLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:169.254.169.254', 'ipv4Mapped of linkLocal'],
    ['::ffff:0.0.0.0', 'ipv4Mapped of unspecified'],
    ['64:ff9b::a9fe:a9fe', 'nat64 of linkLocal'],
    ['fe80::1%eth0', 'scoped'],
  ])('%s is forbidden even for development hosts (%s)', (address, range) => {
    expect(classifyAddress(address)).toEqual({ kind: 'forbidden', range });
  });

  it.each(['127.1', '2130706433', '0x7f000001', '0177.0.0.1', 'localhost', '', '1.2.3.4.5'])(
    'refuses non-canonical or non-address input %j',
    (address) => {
      expect(classifyAddress(address)).toEqual({ kind: 'forbidden', range: 'unparseable' });
    },
  );
});
