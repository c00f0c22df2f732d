import { canonicalHostPattern, hostMatchesPattern } from '@mosaic/sdk/schema';
import { loopbackProblem, type DevHosts } from './dev-hosts.js';
import { EgressError } from './errors.js';

export interface ResolvedAddress {
  address: string;
  family: number;
}

export type Lookup = (hostname: string) => Promise<ResolvedAddress[]>;

/** What one plugin installation may reach, as the operator granted it. */
export interface EgressPolicy {
  /**
   * Exact hostnames, IP literals, or `*.example.com` (any subdomain depth, not the apex), read
   * with the SDK's `canonicalHostPattern`: an IP address only in canonical form.
   */
  allowedHosts: string[];
  /**
   * Operator's development allowlist: these hosts (same pattern syntax, same canonical reading)
   * may resolve to private or loopback addresses. They must also be in `allowedHosts` to be
   * reachable at all.
   */
  allowPrivateHosts?: string[];
  /**
   * Operator's development mapping (`MOSAIC_EGRESS_DEV_HOSTS`): these canonical names are answered
   * with the given loopback address instead of DNS, and may reach it without being listed in
   * `allowPrivateHosts` (the mapping names loopback, so it implies that). The installation must
   * still have been granted the name.
   */
  devHosts?: DevHosts;
  /** Values for `{{secret:NAME}}` placeholders in request header values. */
  secrets?: Record<string, string>;
  /** Cap on the decoded response body; default 1 MiB. */
  maxResponseBytes?: number;
  /** Whole request: DNS, connect, every redirect hop and the body; default 5000. */
  timeoutMs?: number;
  /** Default 3. */
  maxRedirects?: number;
  /** Resolver, injectable for tests; default `dns.promises.lookup(host, { all: true })`. */
  lookup?: Lookup;
}

export interface ResolvedPolicy {
  /** Both take a canonical hostname (`urlHost`'s reading of the request URL). */
  isAllowed(hostname: string): boolean;
  mayBePrivate(hostname: string): boolean;
  /** The operator's loopback address for a canonical hostname, when MOSAIC_EGRESS_DEV_HOSTS maps it. */
  devAddress(hostname: string): string | undefined;
  secrets: Record<string, string>;
  maxResponseBytes: number;
  timeoutMs: number;
  maxRedirects: number;
  lookup?: Lookup;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_REDIRECTS = 3;

export function resolvePolicy(policy: EgressPolicy): ResolvedPolicy {
  const allowed = compileHostPatterns(policy.allowedHosts, 'allowedHosts');
  const privateOk = compileHostPatterns(policy.allowPrivateHosts ?? [], 'allowPrivateHosts');
  return {
    isAllowed: allowed,
    mayBePrivate: privateOk,
    devAddress: compileDevHosts(policy.devHosts ?? {}),
    secrets: policy.secrets ?? {},
    maxResponseBytes: nonNegative(policy.maxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES, 'maxResponseBytes'),
    timeoutMs: nonNegative(policy.timeoutMs, DEFAULT_TIMEOUT_MS, 'timeoutMs'),
    maxRedirects: nonNegative(policy.maxRedirects, DEFAULT_MAX_REDIRECTS, 'maxRedirects'),
    lookup: policy.lookup,
  };
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) {
    throw new EgressError('EGRESS_BAD_REQUEST', `egress policy ${name} must be a non-negative integer`);
  }
  return value;
}

/**
 * One allowlist entry in canonical form; throws for an entry that is not a host, is an IP address
 * written other than canonically (`0x7f000001`), or is a wildcard too broad to be safe.
 */
export function normalizeHostPattern(entry: string): string {
  const reading = canonicalHostPattern(typeof entry === 'string' ? entry.trim() : entry);
  if (reading.problem !== undefined) throw new EgressError('EGRESS_BAD_REQUEST', `egress allowlist entry refused: ${reading.problem}`);
  return reading.host;
}

/** Compiles patterns into a predicate over canonical hostnames. */
function compileHostPatterns(entries: string[], field: string): (hostname: string) => boolean {
  if (!Array.isArray(entries)) {
    throw new EgressError('EGRESS_BAD_REQUEST', `egress policy ${field} must be an array of hostnames`);
  }
  const patterns = entries.map(normalizeHostPattern);
  return (hostname) => patterns.some((pattern) => hostMatchesPattern(hostname, pattern));
}

/** Re-checks the mapping (config already refused a bad one): only loopback, never anything else. */
function compileDevHosts(devHosts: DevHosts): (hostname: string) => string | undefined {
  const table = new Map(Object.entries(devHosts));
  for (const [name, address] of table) {
    const problem = loopbackProblem(address);
    if (problem) throw new EgressError('EGRESS_BAD_REQUEST', `egress devHosts entry for '${name}' refused: ${problem}`);
  }
  return (hostname) => table.get(hostname);
}
