import { checkAddress } from './address-policy';

const production = { allowLoopback: false };
const development = { allowLoopback: true };

const reasonOf = (address: string, policy = production) => {
  const verdict = checkAddress(address, policy);
  return verdict.allowed ? 'allowed' : verdict.reason;
};

describe('checkAddress', () => {
  it.each([
    ['0.0.0.0', 'this-network'],
    ['0.1.2.3', 'this-network'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'CGNAT'],
    ['100.127.255.254', 'CGNAT'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['169.254.169.254', 'metadata'],
    ['169.254.1.1', 'link-local'],
    ['192.0.0.8', 'IETF protocol'],
    ['192.0.2.10', 'documentation'],
    ['198.51.100.1', 'documentation'],
    ['203.0.113.5', 'documentation'],
    ['192.88.99.1', '6to4 relay'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.1', 'benchmarking'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['192.175.48.1', 'as112'],
  ])('refuses the IPv4 %s (%s)', (address, label) => {
    expect(reasonOf(address)).toBe(`${label} address ${address}`);
  });

  it.each([
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['::7f00:1', 'IPv4-compatible'],
    ['::ffff:0:a00:1', 'IPv4-translated'],
    ['64:ff9b:1::a00:1', 'local NAT64'],
    ['100::1', 'discard'],
    ['2001::1', 'Teredo'],
    ['2001:2::1', 'benchmarking'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['fd00:ec2::254', 'metadata'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['4000::1', 'reserved'],
  ])('refuses the IPv6 %s (%s)', (address, label) => {
    expect(reasonOf(address)).toBe(`${label} address ${address}`);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
  ])('unwraps the IPv4-mapped %s and judges its IPv4 (%s)', (address, label) => {
    expect(reasonOf(address)).toBe(`${label} address ${address}`);
  });

  it.each([
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['64:ff9b::6440:1', 'CGNAT'],
  ])('judges the IPv4 inside the NAT64 %s (%s)', (address, label) => {
    expect(reasonOf(address)).toBe(`${label} address ${address}`);
  });

  it.each([
    ['2002:7f00:1::', 'loopback'],
    ['2002:a00:1::1', 'private'],
    ['2002:c0a8:101::', 'private'],
    ['2002:a9fe:a9fe::', 'metadata'],
  ])('judges the IPv4 inside the 6to4 %s (%s)', (address, label) => {
    expect(reasonOf(address)).toBe(`${label} address ${address}`);
  });

  it.each([
    '8.8.8.8',
    '93.184.216.34',
    '172.32.0.1',
    '100.128.0.1',
    '2a00:1450:4007:80e::200e',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('allows the public %s', (address) => {
    expect(reasonOf(address)).toBe('allowed');
  });

  it('allows loopback, and only loopback, with the development setting', () => {
    expect(reasonOf('127.0.0.1', development)).toBe('allowed');
    expect(reasonOf('::1', development)).toBe('allowed');
    expect(reasonOf('::ffff:127.0.0.1', development)).toBe('allowed');
    expect(reasonOf('10.0.0.1', development)).toBe('private address 10.0.0.1');
    expect(reasonOf('192.168.0.10', development)).toBe('private address 192.168.0.10');
    expect(reasonOf('169.254.169.254', development)).toBe('metadata address 169.254.169.254');
    expect(reasonOf('fd00:ec2::254', development)).toBe('metadata address fd00:ec2::254');
    expect(reasonOf('fc00::1', development)).toBe('unique-local address fc00::1');
    expect(reasonOf('0.0.0.0', development)).toBe('this-network address 0.0.0.0');
  });

  it('takes bracketed literals, and refuses what is not an address', () => {
    expect(reasonOf('[::1]')).toBe('loopback address ::1');
    expect(reasonOf('example.fr')).toBe('not an IP address: example.fr');
  });
});
