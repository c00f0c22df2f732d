import ipaddr from 'ipaddr.js';

/**
 * Which resolved addresses a plugin may reach.
 * - `public`: globally routable unicast; always allowed.
 * - `private`: loopback, RFC1918, CGNAT, ULA, reserved, etc.; only for hosts the operator lists
 *   in `allowPrivateHosts` (local development, tests).
 * - `forbidden`: never, not even for `allowPrivateHosts`: unspecified (0.0.0.0 / :: reach the
 *   local machine), multicast, broadcast and link-local (169.254.169.254 is cloud metadata).
 * IPv6 forms that embed an IPv4 address (mapped, translated, NAT64, 6to4, Teredo) are judged by
 * the IPv4 address inside, so `::ffff:127.0.0.1` is as private as `127.0.0.1`.
 */
export type AddressVerdict =
  | { kind: 'public' }
  | { kind: 'private' | 'forbidden'; range: string };

const FORBIDDEN = new Set(['unspecified', 'broadcast', 'multicast', 'linkLocal']);

// IANA's global unicast block; everything else in IPv6 is special-purpose or unassigned.
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');
// RFC 8215 local-use NAT64 prefix: the embedded address may sit anywhere, so treat as private.
const LOCAL_NAT64 = ipaddr.IPv6.parseCIDR('64:ff9b:1::/48');
// RFC 4291 IPv4-compatible addresses (deprecated, ::a.b.c.d): some stacks still route them to IPv4.
const V4_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/96');

export function classifyAddress(address: string): AddressVerdict {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // Strict parse: resolvers return canonical forms, and anything odd is refused.
    if (ipaddr.IPv4.isValidFourPartDecimal(address)) ip = ipaddr.IPv4.parse(address);
    else if (ipaddr.IPv6.isValid(address)) ip = ipaddr.IPv6.parse(address);
    else return { kind: 'forbidden', range: 'unparseable' };
  } catch {
    return { kind: 'forbidden', range: 'unparseable' };
  }
  return ip.kind() === 'ipv4' ? classifyV4(ip as ipaddr.IPv4) : classifyV6(ip as ipaddr.IPv6);
}

function classifyV4(ip: ipaddr.IPv4): AddressVerdict {
  const range = ip.range();
  if (range === 'unicast') return { kind: 'public' };
  return { kind: FORBIDDEN.has(range) ? 'forbidden' : 'private', range };
}

function classifyV6(ip: ipaddr.IPv6): AddressVerdict {
  if (ip.zoneId) return { kind: 'forbidden', range: 'scoped' };
  const embedded = embeddedV4(ip);
  if (embedded) {
    const inner = classifyV4(embedded.address);
    return inner.kind === 'public' ? inner : { kind: inner.kind, range: `${embedded.via} of ${inner.range}` };
  }
  if (ip.match(LOCAL_NAT64)) return { kind: 'private', range: 'rfc6052' };
  if (ip.match(V4_COMPATIBLE)) {
    const range = ip.range();
    return { kind: range === 'unspecified' ? 'forbidden' : 'private', range: range === 'unicast' ? 'ipv4Compatible' : range };
  }
  const range = ip.range();
  if (FORBIDDEN.has(range)) return { kind: 'forbidden', range };
  if (range === 'unicast' && ip.match(GLOBAL_UNICAST_V6)) return { kind: 'public' };
  return { kind: 'private', range: range === 'unicast' ? 'notGlobalUnicast' : range };
}

/** The IPv4 address an IPv6 address stands for, where the format says so. */
function embeddedV4(ip: ipaddr.IPv6): { address: ipaddr.IPv4; via: string } | undefined {
  const p = ip.parts;
  const v4 = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  switch (ip.range()) {
    case 'ipv4Mapped': // ::ffff:a.b.c.d
    case 'rfc6145': // ::ffff:0:a.b.c.d
      return { address: v4(p[6]!, p[7]!), via: ip.range() };
    case 'rfc6052': // 64:ff9b::a.b.c.d (well-known NAT64 prefix)
      return ip.match(LOCAL_NAT64) ? undefined : { address: v4(p[6]!, p[7]!), via: 'nat64' };
    case '6to4': // 2002:AABB:CCDD::/48
      return { address: v4(p[1]!, p[2]!), via: '6to4' };
    case 'teredo': {
      // 2001:0:SSSS:SSSS:flags:port:CCCC:CCCC — server in clear, client obfuscated (XOR).
      const server = v4(p[2]!, p[3]!);
      const client = v4(p[6]! ^ 0xffff, p[7]! ^ 0xffff);
      return classifyV4(server).kind !== 'public'
        ? { address: server, via: 'teredo server' }
        : { address: client, via: 'teredo client' };
    }
    default:
      return undefined;
  }
}

/** True for hostnames that are IP literals in the form WHATWG URL parsing leaves them. */
export const isIpLiteralHostname = (hostname: string): boolean =>
  hostname.startsWith('[') || ipaddr.IPv4.isValidFourPartDecimal(hostname);

/** `[::1]` → `::1`; IPv4 unchanged. */
export const unbracket = (hostname: string): string =>
  hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
