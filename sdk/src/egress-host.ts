/**
 * One reading of "which host is this" for everyone who handles egress hosts: the build, the
 * registry, the installer, core's egress guard and the test harness. A host is compared only in
 * the canonical form the WHATWG URL parser gives it (what `fetch` will actually connect to), and
 * an IP address counts only when written in exactly that form: `0x7f000001`, `2130706433`,
 * `0177.0.0.1`, `127.1` all parse as 127.0.0.1, so an admin shown one of them would consent to
 * something other than what they read.
 */

/** The canonical host, or why the entry is refused (with its canonical form when it has one). */
export type HostReading = { host: string; problem?: undefined } | { host?: undefined; problem: string };

const ASCII_NAME_CHARS = /^[\x21-\x7e]*$/;
// Escapes, spaces and control characters are never part of a host as written; URL parsing would
// decode or drop them and so turn one name into another.
const NEVER_WRITTEN = /[%\x00-\x20\x7f]/;
// Canonical names: non-empty labels of ASCII letters, digits, hyphens and underscores.
const CANONICAL_NAME = /^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$/;

/** True for a canonical IP literal: dotted-decimal IPv4 or bracketed IPv6. */
export function isIpHost(canonical: string): boolean {
  return canonical.startsWith('[') || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(canonical);
}

/**
 * Reads one host as written (no scheme, port, path or credentials; a bracketed IPv6 literal)
 * and gives its canonical form: lower case, punycode for IDN, no trailing dot. Refused: anything
 * that is not a bare host; an IP address written in any but its canonical form; a name the
 * parser would reshape (`%2e` escapes, full-width dots, characters mapped away).
 *
 * @example
 * canonicalHost('API.Example.com.') // { host: 'api.example.com' }
 * canonicalHost('bücher.example')   // { host: 'xn--bcher-kva.example' }
 * canonicalHost('0x7f000001').problem
 * // "'0x7f000001' is the IP address 127.0.0.1 written another way; write an IP address in its canonical form, 127.0.0.1"
 */
export function canonicalHost(written: string): HostReading {
  if (typeof written !== 'string' || written.length === 0) return { problem: 'must be a non-empty host name' };
  const quoted = JSON.stringify(written).slice(1, -1);
  const parsed = parseHost(written) ?? (written.includes(':') && !written.startsWith('[') ? parseHost(`[${written}]`) : undefined);
  if (parsed === undefined) {
    return { problem: `'${quoted}' is not a valid bare host name (no scheme, port, path, query or credentials)` };
  }
  const canonical = parsed.replace(/\.$/, '');
  if (!canonical) return { problem: `'${quoted}' is not a host name` };
  if (isIpHost(canonical)) {
    return written === canonical
      ? { host: canonical }
      : { problem: `'${quoted}' is the IP address ${canonical} written another way; write an IP address in its canonical form, ${canonical}` };
  }
  if (NEVER_WRITTEN.test(written) || !sameShape(written.toLowerCase().replace(/\.$/, ''), canonical)) {
    return { problem: `'${quoted}' changes when parsed as a URL host (it becomes '${canonical}'); write the host in plain form` };
  }
  if (!CANONICAL_NAME.test(canonical)) {
    return { problem: `'${quoted}' is not a host name: dot-separated labels of letters, digits and hyphens` };
  }
  return { host: canonical };
}

/**
 * Like `canonicalHost`, and also accepts a leading `*.` (any subdomain, not the domain itself),
 * which must sit over a name of at least two labels, never over an IP address.
 *
 * @example
 * canonicalHostPattern('*.Tracking.example') // { host: '*.tracking.example' }
 * canonicalHostPattern('*.com').problem       // "'*.com' is too broad; ..."
 */
export function canonicalHostPattern(written: string): HostReading {
  if (typeof written !== 'string' || !written.startsWith('*.')) return canonicalHost(written);
  const base = canonicalHost(written.slice(2));
  if (base.problem !== undefined) return { problem: `'${written}' is not a wildcard over a host name: ${base.problem}` };
  if (isIpHost(base.host) || !base.host.includes('.')) {
    return { problem: `'${written}' is too broad; a wildcard must sit under a domain of at least two labels, e.g. *.example.com` };
  }
  return { host: `*.${base.host}` };
}

/**
 * Whether a canonical host is covered by a canonical pattern: equal, or under a `*.` pattern's
 * domain at any depth (not the domain itself). A wildcard never covers an IP address.
 */
export function hostMatchesPattern(host: string, pattern: string): boolean {
  if (!pattern.startsWith('*.')) return host === pattern;
  return !isIpHost(host) && host.endsWith(pattern.slice(1));
}

/** The parsed hostname, or undefined when the text is not just a host. */
function parseHost(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(`http://${text}/`);
  } catch {
    return undefined;
  }
  const bare = !url.port && !url.username && !url.password && url.pathname === '/' && !url.search && !url.hash;
  // `http://a.com:80/` drops the default port; the text still named one.
  return bare && !/:\d*$/.test(text.replace(/^\[[^\]]*\]/, '')) ? url.hostname : undefined;
}

/**
 * The parser may only lower-case ASCII and turn non-ASCII labels into punycode: same labels,
 * ASCII ones unchanged, non-ASCII ones becoming `xn--` labels (not mapped to plain ASCII, which
 * is how soft hyphens and full-width letters disguise a name).
 */
function sameShape(lowered: string, canonical: string): boolean {
  if (ASCII_NAME_CHARS.test(lowered)) return lowered === canonical;
  const written = lowered.split('.');
  const parsed = canonical.split('.');
  return written.length === parsed.length && written.every((label, i) =>
    ASCII_NAME_CHARS.test(label) ? label === parsed[i] : parsed[i]!.startsWith('xn--'));
}

/**
 * The host of an http(s) URL as it was written, read with `canonicalHost` and checked against
 * what the parser made of it (`parsed`, i.e. `new URL(raw, base)`). So `http://0x7f000001/` is
 * refused rather than quietly sent to 127.0.0.1, exactly as a manifest entry would be. A
 * relative reference (a redirect to `/next`) keeps `base`'s host, which was read already.
 *
 * @example
 * urlHost('http://API.example.com./x', new URL('http://API.example.com./x')) // { host: 'api.example.com' }
 * urlHost('http://2130706433/', new URL('http://2130706433/')).problem // "'2130706433' is the IP address 127.0.0.1 ..."
 */
export function urlHost(raw: string, parsed: URL, base?: URL): HostReading {
  const parsedHost = parsed.hostname.replace(/\.$/, '');
  // What the URL parser ignores before reading: tabs and newlines anywhere, leading controls and spaces.
  const text = raw.replace(/[\t\n\r]/g, '').replace(/^[\x00-\x20]+/, '');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text);
  let rest: string;
  if (scheme) {
    rest = text.slice(scheme[0].length);
    // 'http:next' against an http base is relative (a special scheme's rule in the URL standard).
    if (base && `${scheme[1]!.toLowerCase()}:` === base.protocol && !/^[\\/]/.test(rest)) return { host: parsedHost };
  } else if (base && /^[\\/]{2}/.test(text)) {
    rest = text;
  } else {
    return base ? { host: parsedHost } : { problem: `'${raw}' is not an absolute URL` };
  }
  const authority = rest.replace(/^[\\/]*/, '').split(/[\\/?#]/)[0]!;
  const hostAndPort = authority.slice(authority.lastIndexOf('@') + 1);
  const written = hostAndPort.startsWith('[') ? hostAndPort.slice(0, hostAndPort.indexOf(']') + 1) : hostAndPort.replace(/:[^:]*$/, '');
  const reading = canonicalHost(written);
  if (reading.problem === undefined && reading.host !== parsedHost) {
    // The two readings disagree: refuse rather than guess which one a connection would use.
    return { problem: `the host of '${raw}' is ambiguous (read as '${reading.host}' and as '${parsedHost}')` };
  }
  return reading;
}
