import { describe, expect, it } from 'vitest';
import { canonicalHost, canonicalHostPattern, hostMatchesPattern, urlHost } from './egress-host.js';

// Every one of these parses (WHATWG URL) to the address on the right; none may stand for it.
const DISGUISED_IPS: Array<[string, string]> = [
  ['0x7f000001', '127.0.0.1'],
  ['0xa9fea9fe', '169.254.169.254'],
  ['0x0', '0.0.0.0'],
  ['0', '0.0.0.0'],
  ['127.0.0.0x1', '127.0.0.1'],
  ['0177.0.0.1', '127.0.0.1'],
  ['2130706433', '127.0.0.1'],
  ['127.1', '127.0.0.1'],
  ['0x7f.1', '127.0.0.1'],
  ['127.0.0.1.', '127.0.0.1'],
  ['%31%32%37.0.0.1', '127.0.0.1'],
  ['１２７.０.０.１', '127.0.0.1'],
  ['[::ffff:127.0.0.1]', '[::ffff:7f00:1]'],
  ['[0:0::1]', '[::1]'],
  ['[::FFFF:7F00:1]', '[::ffff:7f00:1]'],
  ['::1', '[::1]'],
];

describe('canonicalHost', () => {
  it.each(DISGUISED_IPS)('refuses %j, naming its canonical form %s', (written, canonical) => {
    const { host, problem } = canonicalHost(written);
    expect(host).toBeUndefined();
    expect(problem).toContain(`is the IP address ${canonical} written another way`);
    expect(problem).toContain(`canonical form, ${canonical}`);
  });

  it.each(['127.0.0.1', '169.254.169.254', '0.0.0.0', '[::1]', '[::ffff:7f00:1]', '203.0.113.7'])(
    'accepts the canonically written IP address %s as is',
    (written) => expect(canonicalHost(written)).toEqual({ host: written }),
  );

  it.each([
    ['API.Example.COM', 'api.example.com'],
    ['api.example.com.', 'api.example.com'],
    ['Bücher.example', 'xn--bcher-kva.example'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['💩.la', 'xn--ls8h.la'],
  ])('gives names in canonical form: %j → %s', (written, canonical) => {
    expect(canonicalHost(written)).toEqual({ host: canonical });
  });

  it.each([
    ['exa%2emple.com', "becomes 'exa.mple.com'"],
    ['ｅｘａｍｐｌｅ。com', "becomes 'example.com'"],
    ['exa\u00admple.com', "becomes 'example.com'"],
    ['exa\tmple.com', "becomes 'example.com'"],
    ['example.com:443', 'not a valid bare host name'],
    ['example.com:', 'not a valid bare host name'],
    ['user@example.com', 'not a valid bare host name'],
    ['https://example.com', 'not a valid bare host name'],
    ['example.com/path', 'not a valid bare host name'],
    ['example.com\\path', 'not a valid bare host name'],
    ['xn--zz.example', 'not a valid bare host name'],
    ['foo.123', 'not a valid bare host name'],
    ['a.*.com', 'dot-separated labels'],
    ['a..b', 'dot-separated labels'],
    ['', 'non-empty'],
  ])('refuses %j (%s)', (written, why) => {
    expect(canonicalHost(written).problem).toContain(why);
  });
});

describe('canonicalHostPattern and hostMatchesPattern', () => {
  it('keeps a wildcard over a canonical name of two labels or more', () => {
    expect(canonicalHostPattern('*.Tracking.Example')).toEqual({ host: '*.tracking.example' });
    for (const broad of ['*.com', '*.127.0.0.1', '*.[::1]', '*', 'a.*.com']) expect(canonicalHostPattern(broad).problem).toBeDefined();
    expect(canonicalHostPattern('*.0x7f000001').problem).toContain('127.0.0.1');
  });

  it('matches canonical to canonical: exact names, subdomains under a wildcard, never an IP under one', () => {
    expect(hostMatchesPattern('api.example.com', 'api.example.com')).toBe(true);
    expect(hostMatchesPattern('a.b.example.com', '*.example.com')).toBe(true);
    expect(hostMatchesPattern('example.com', '*.example.com')).toBe(false);
    expect(hostMatchesPattern('evilexample.com', '*.example.com')).toBe(false);
    expect(hostMatchesPattern('1.2.3.4', '*.2.3.4')).toBe(false);
  });
});

describe('urlHost', () => {
  const read = (raw: string, base?: string) => urlHost(raw, new URL(raw, base), base === undefined ? undefined : new URL(base));

  it.each(DISGUISED_IPS.filter(([w]) => w !== '::1'))('refuses a URL whose host is written %j', (written) => {
    const host = written.startsWith('[') || !written.includes(':') ? written : `[${written}]`;
    expect(read(`http://${host}:8080/x`).problem).toContain('written another way');
    expect(read(`http://user@${host}/`).problem).toContain('written another way');
    expect(read(`http:\\\\${host}\\x`).problem).toContain('written another way');
    // A redirect target is read the same way.
    expect(read(`//${host}/next`, 'http://127.0.0.1/a').problem).toContain('written another way');
  });

  it('reads canonical and name hosts, and keeps the base host for relative references', () => {
    expect(read('HTTP://API.Example.com./x')).toEqual({ host: 'api.example.com' });
    expect(read('http://[::1]:80/')).toEqual({ host: '[::1]' });
    expect(read('  http://127.0.0.1:9/')).toEqual({ host: '127.0.0.1' });
    expect(read('/next', 'http://127.0.0.1:9/a')).toEqual({ host: '127.0.0.1' });
    expect(read('http:next', 'http://127.0.0.1:9/a')).toEqual({ host: '127.0.0.1' });
  });
});
