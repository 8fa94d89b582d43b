import ipaddr from 'ipaddr.js';

/** What outbound calls may reach. `allowLoopback` is the development setting (never in production). */
export interface OutboundPolicy {
  /** `http://` and loopback addresses (127/8, ::1): a receiver on the developer's machine. */
  readonly allowLoopback: boolean;
}

export type AddressVerdict =
  { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

type Cidr = readonly [string, number, string];

// Checked before ipaddr.js's own ranges so the refusal names the precise class; anything
// ipaddr.js does not call `unicast` is refused after these.
const IPV4_RANGES: readonly Cidr[] = [
  ['0.0.0.0', 8, 'this-network'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'CGNAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.169.254', 32, 'metadata'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['255.255.255.255', 32, 'broadcast'],
  ['240.0.0.0', 4, 'reserved'],
];

const IPV6_RANGES: readonly Cidr[] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['::', 96, 'IPv4-compatible'],
  ['::ffff:0:0:0', 96, 'IPv4-translated'],
  ['64:ff9b:1::', 48, 'local NAT64'],
  ['100::', 64, 'discard'],
  ['2001::', 32, 'Teredo'],
  ['2001:2::', 48, 'benchmarking'],
  ['2001:db8::', 32, 'documentation'],
  ['3fff::', 20, 'documentation'],
  ['fd00:ec2::254', 128, 'metadata'],
  ['fc00::', 7, 'unique-local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
];

const parsed = (ranges: readonly Cidr[]) =>
  ranges.map(([address, bits, label]) => ({ range: ipaddr.parse(address), bits, label }));
const V4 = parsed(IPV4_RANGES);
const V6 = parsed(IPV6_RANGES);
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');
const NAT64 = ipaddr.parseCIDR('64:ff9b::/96');
const SIX_TO_FOUR = ipaddr.parseCIDR('2002::/16');

const refused = (label: string, address: string): AddressVerdict => ({
  allowed: false,
  reason: `${label} address ${address}`,
});

function checkV4(address: ipaddr.IPv4, policy: OutboundPolicy, shown: string): AddressVerdict {
  const hit = V4.find(({ range, bits }) => address.match(range, bits));
  if (hit?.label === 'loopback' && policy.allowLoopback) return { allowed: true };
  if (hit) return refused(hit.label, shown);
  const range = address.range();
  return range === 'unicast' ? { allowed: true } : refused(range, shown);
}

/** Embedded IPv4 of a NAT64 (last 32 bits) or 6to4 (bits 16 to 48) address. */
function embeddedV4(parts: readonly number[], at: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([
    parts[at] >> 8,
    parts[at] & 0xff,
    parts[at + 1] >> 8,
    parts[at + 1] & 0xff,
  ]);
}

function checkV6(address: ipaddr.IPv6, policy: OutboundPolicy, shown: string): AddressVerdict {
  if (address.isIPv4MappedAddress()) return checkV4(address.toIPv4Address(), policy, shown);
  if (address.match(NAT64)) return checkV4(embeddedV4(address.parts, 6), policy, shown);
  if (address.match(SIX_TO_FOUR)) return checkV4(embeddedV4(address.parts, 1), policy, shown);
  const hit = V6.find(({ range, bits }) => address.match(range, bits));
  if (hit?.label === 'loopback' && policy.allowLoopback) return { allowed: true };
  if (hit) return refused(hit.label, shown);
  const range = address.range();
  if (range !== 'unicast') return refused(range, shown);
  return address.match(GLOBAL_UNICAST_V6) ? { allowed: true } : refused('reserved', shown);
}

/**
 * Whether an outbound call may connect to this IP address: public unicast only, an embedded
 * IPv4 (mapped, NAT64, 6to4) judged as that IPv4. Not an IP address at all is refused.
 */
export function checkAddress(address: string, policy: OutboundPolicy): AddressVerdict {
  const bare = address.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(bare)) return { allowed: false, reason: `not an IP address: ${address}` };
  const ip = ipaddr.parse(bare);
  return ip.kind() === 'ipv4'
    ? checkV4(ip as ipaddr.IPv4, policy, bare)
    : checkV6(ip as ipaddr.IPv6, policy, bare);
}
