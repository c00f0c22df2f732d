import { EgressError } from './errors.js';
import { isIpLiteralHostname } from './address-rules.js';

export interface ResolvedAddress {
  address: string;
  family: number;
}

export type Lookup = (hostname: string) => Promise<ResolvedAddress[]>;

/** What one plugin installation may reach, as the operator granted it. */
export interface EgressPolicy {
  /** Exact hostnames, IP literals, or `*.example.com` (any subdomain depth, not the apex). */
  allowedHosts: string[];
  /**
   * Operator's development allowlist: these hosts (same pattern syntax) may resolve to private or
   * loopback addresses. They must also be in `allowedHosts` to be reachable at all.
   */
  allowPrivateHosts?: string[];
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
  isAllowed(hostname: string): boolean;
  mayBePrivate(hostname: string): boolean;
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
 * Canonical form of a hostname as WHATWG URL parsing produces it (lower case, punycode for IDN,
 * IPv4 in dotted decimal, IPv6 bracketed and compressed), without a trailing dot.
 */
export function canonicalHostname(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, '');
}

/** Normalises one allowlist entry; throws for entries that can never match safely. */
export function normalizeHostPattern(entry: string): string {
  const raw = entry.trim();
  const wildcard = raw.startsWith('*.');
  const host = wildcard ? raw.slice(2) : raw;
  const notAHost = new EgressError('EGRESS_BAD_REQUEST', `egress allowlist entry '${entry}' is not a hostname`);
  let url: URL;
  try {
    // A bare IPv6 literal needs brackets to parse as a URL host.
    url = new URL(`http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}/`);
  } catch {
    throw notAHost;
  }
  if (url.port || url.username || url.password || url.pathname !== '/' || url.search || url.hash) throw notAHost;
  const parsed = canonicalHostname(url.hostname);
  if (!parsed || parsed.includes('*')) {
    throw new EgressError('EGRESS_BAD_REQUEST', `egress allowlist entry '${entry}' is not a hostname; wildcards are only allowed as a leading '*.'`);
  }
  if (wildcard && (isIpLiteralHostname(parsed) || !parsed.includes('.'))) {
    throw new EgressError('EGRESS_BAD_REQUEST', `egress allowlist entry '${entry}' is too broad; a wildcard needs a domain of at least two labels`);
  }
  return wildcard ? `*.${parsed}` : parsed;
}

/** Compiles patterns into a predicate over canonical hostnames. */
function compileHostPatterns(entries: string[], field: string): (hostname: string) => boolean {
  if (!Array.isArray(entries)) {
    throw new EgressError('EGRESS_BAD_REQUEST', `egress policy ${field} must be an array of hostnames`);
  }
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const entry of entries) {
    const pattern = normalizeHostPattern(entry);
    if (pattern.startsWith('*.')) suffixes.push(pattern.slice(1));
    else exact.add(pattern);
  }
  return (hostname) => {
    const host = canonicalHostname(hostname);
    if (exact.has(host)) return true;
    // Wildcards never match IP literals: '*.1.2' must not admit '3.1.2'-style addresses.
    return !isIpLiteralHostname(host) && suffixes.some((s) => host.endsWith(s));
  };
}
