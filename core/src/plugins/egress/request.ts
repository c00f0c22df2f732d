import { refusedHeaderReason, urlHost } from '@mosaic/sdk/schema';
import { EgressError } from './errors.js';
import { hasSecretPlaceholder, injectSecrets } from './secrets.js';

export interface EgressRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** One hop's request, after validation and secret injection. */
export interface PreparedRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Lower-cased header names carrying secrets; never sent to a second origin. */
  secretBearing: Set<string>;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Refused outright (the SDK's `refusedHeaderReason`, which the test harness applies too): routing
 * and framing (`host`, `content-length`, `transfer-encoding`, `proxy`, `proxy-*`), which a
 * plugin would be relying on the host to honour, and origin claims (`forwarded`, `via`,
 * `x-forwarded-*`, `x-real-ip` and the like), which would let a plugin pose to the remote
 * service as another client or as a proxy.
 *
 * Hop-by-hop headers belong to the host's own connection; dropped silently because ported
 * code often sets them (`connection: keep-alive`) and they are harmless to omit.
 * Cookie is allowed: there is no ambient cookie jar here, so a plugin can only send a cookie it
 * (or an injected secret) supplies, which is no different from an Authorization header.
 */
const STRIPPED = new Set(['connection', 'keep-alive', 'te', 'trailer', 'upgrade', 'expect', 'http2-settings']);

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAD_VALUE = /[\r\n\0]/;

export const DEFAULT_USER_AGENT = 'mosaic-plugin-egress/1';

export function prepareRequest(request: EgressRequest, secrets: Record<string, string>): PreparedRequest {
  if (!request || typeof request.url !== 'string') {
    throw new EgressError('EGRESS_BAD_REQUEST', 'fetch needs a url string');
  }
  const url = parseTargetUrl(request.url, 'request');
  const method = (request.method ?? 'GET').toUpperCase();
  if (!METHODS.has(method)) {
    throw new EgressError('EGRESS_BAD_REQUEST', `method '${request.method}' is not supported; use one of ${[...METHODS].join(', ')}`);
  }
  if (request.body !== undefined && typeof request.body !== 'string') {
    throw new EgressError('EGRESS_BAD_REQUEST', 'body must be a string');
  }
  if (request.body !== undefined && (method === 'GET' || method === 'HEAD')) {
    throw new EgressError('EGRESS_BAD_REQUEST', `a ${method} request cannot have a body`);
  }
  const { headers, secretBearing } = injectSecrets(checkHeaders(request.headers ?? {}), secrets);
  for (const [name, value] of Object.entries(headers)) {
    // Checked again after injection: a secret with a line break must not split the header.
    if (BAD_VALUE.test(value)) {
      throw new EgressError('EGRESS_BAD_REQUEST', `header '${name}' has a value with a line break or NUL after secret substitution`);
    }
  }
  if (!Object.keys(headers).some((n) => n.toLowerCase() === 'user-agent')) headers['user-agent'] = DEFAULT_USER_AGENT;
  return { url, method, headers, body: request.body, secretBearing };
}

function checkHeaders(input: Record<string, string>): Record<string, string> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new EgressError('EGRESS_BAD_REQUEST', 'headers must be an object of name → string value');
  }
  const out: Array<[string, string]> = [];
  const seen = new Set<string>();
  for (const [name, value] of Object.entries(input)) {
    const lower = name.toLowerCase();
    if (!TOKEN.test(name)) throw new EgressError('EGRESS_BAD_REQUEST', `header name '${name}' is not a valid HTTP token`);
    if (typeof value !== 'string') throw new EgressError('EGRESS_BAD_REQUEST', `header '${name}' must have a string value`);
    if (BAD_VALUE.test(value)) throw new EgressError('EGRESS_BAD_REQUEST', `header '${name}' has a line break or NUL in its value`);
    const refused = refusedHeaderReason(name);
    if (refused !== undefined) throw new EgressError('EGRESS_BAD_REQUEST', refused);
    if (seen.has(lower)) throw new EgressError('EGRESS_BAD_REQUEST', `header '${name}' is given twice (header names are case-insensitive)`);
    seen.add(lower);
    if (STRIPPED.has(lower)) continue;
    out.push([name, value]);
  }
  return Object.fromEntries(out);
}

/**
 * Parses with WHATWG URL rules, and reads the host as written with the SDK's `urlHost`: names
 * become canonical (lower case, punycode, no trailing dot); an IP address must already be in
 * canonical form, so 2130706433, 0x7f000001, 0177.0.0.1 or 127.1 are refused, not sent to
 * 127.0.0.1. The policy then compares canonical to canonical.
 */
export function parseTargetUrl(raw: string, what: 'request' | 'redirect', base?: URL): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new EgressError('EGRESS_BAD_REQUEST', `${what} URL '${raw}' is not a valid absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EgressError('EGRESS_BAD_REQUEST', `${what} URL scheme '${url.protocol}' is not allowed; only http and https`);
  }
  if (url.username || url.password) {
    throw new EgressError('EGRESS_BAD_REQUEST', `${what} URL must not contain credentials (user:password@); send them in a header with a {{secret:NAME}} placeholder`);
  }
  if (what === 'request' && hasSecretPlaceholder(decodeURIComponentSafe(url.href))) {
    throw new EgressError('EGRESS_BAD_REQUEST', `${what} URL contains a {{secret:...}} placeholder; secrets are only substituted in header values`);
  }
  const host = urlHost(raw, url, base);
  if (host.problem !== undefined) throw new EgressError('EGRESS_BAD_REQUEST', `${what} URL host refused: ${host.problem}`);
  // 'example.com.' and 'example.com' are the same host; keep Host and TLS SNI in the plain form.
  if (host.host !== url.hostname) url.hostname = host.host;
  return url;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
