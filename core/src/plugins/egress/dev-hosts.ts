import { canonicalHost, isIpHost } from '@mosaic/sdk/schema';
import ipaddr from 'ipaddr.js';

/**
 * The operator's development mapping (`MOSAIC_EGRESS_DEV_HOSTS`): egress host names answered with
 * a loopback address instead of DNS, so local runs reach simulated outside services under their
 * real names (`parcelly.carrier.test=127.0.0.1`). Keys are canonical host names, values canonical
 * loopback addresses (127.0.0.0/8 dotted decimal, or `::1`).
 */
export type DevHosts = Record<string, string>;

export type DevHostsReading = { hosts: DevHosts; problems: string[] };

/**
 * Reads `name=address,name=address`. A name is read like every egress host (canonical form; a
 * disguised spelling such as `exa%2emple.com` is refused), must be a name (no IP address, no
 * wildcard) and may appear once; the address must be loopback written canonically, since the
 * mapping exists to reach services on this machine and nothing else.
 */
export function readDevHosts(list: string): DevHostsReading {
  const hosts: DevHosts = {};
  const problems: string[] = [];
  for (const entry of list.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [name, address, ...rest] = entry.split('=').map((p) => p.trim());
    if (!name || !address || rest.length > 0) {
      problems.push(`'${entry}' is not name=address (e.g. parcelly.carrier.test=127.0.0.1)`);
      continue;
    }
    const reading = canonicalHost(name);
    if (reading.problem !== undefined) {
      problems.push(reading.problem);
      continue;
    }
    if (isIpHost(reading.host)) {
      problems.push(`'${name}' is an IP address; map host names only`);
      continue;
    }
    if (reading.host in hosts) {
      problems.push(`'${reading.host}' is mapped twice`);
      continue;
    }
    const problem = loopbackProblem(address);
    if (problem) {
      problems.push(`${reading.host}: ${problem}`);
      continue;
    }
    hosts[reading.host] = address === '[::1]' ? '::1' : address;
  }
  return { hosts, problems };
}

/** Why an address is not a canonically written loopback address, or undefined when it is one. */
export function loopbackProblem(address: string): string | undefined {
  const bare = address === '[::1]' ? '::1' : address;
  if (bare === '::1') return undefined;
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) {
    const ip = ipaddr.IPv4.parse(bare);
    if (ip.toString() !== bare) return `'${address}' is ${ip.toString()} written another way; write it as ${ip.toString()}`;
    if (ip.range() === 'loopback') return undefined;
  }
  return `'${address}' is not a loopback address; only 127.0.0.0/8 or ::1 may be mapped (development only)`;
}
