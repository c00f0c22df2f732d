import { describe, expect, it } from 'vitest';
import { EgressError } from './errors.js';
import { normalizeHostPattern, resolvePolicy } from './policy.js';
import { parseTargetUrl } from './request.js';

/** Whether a request to `http://<host>/` passes the allowlist, the host read as the guard reads it. */
const allowed = (patterns: string[], host: string) =>
  resolvePolicy({ allowedHosts: patterns }).isAllowed(parseTargetUrl(`http://${host}/`, 'request').hostname);

describe('host allowlist', () => {
  it('matches exact hosts case-insensitively and ignores a trailing dot', () => {
    expect(allowed(['API.Carrier.com'], 'api.carrier.com')).toBe(true);
    expect(allowed(['api.carrier.com.'], 'api.carrier.com')).toBe(true);
    expect(allowed(['api.carrier.com'], 'API.CARRIER.COM.')).toBe(true);
    expect(allowed(['api.carrier.com'], 'carrier.com')).toBe(false);
    expect(allowed(['api.carrier.com'], 'evil-api.carrier.com')).toBe(false);
  });

  it('compares IDN hosts in punycode, as URL parsing produces them', () => {
    expect(normalizeHostPattern('Bücher.example')).toBe('xn--bcher-kva.example');
    expect(allowed(['bücher.example'], 'BÜCHER.example')).toBe(true);
    expect(allowed(['xn--bcher-kva.example'], 'bücher.example')).toBe(true);
  });

  it('lets *.domain match any subdomain depth but not the apex or look-alikes', () => {
    const p = ['*.carrier.com'];
    expect(allowed(p, 'api.carrier.com')).toBe(true);
    expect(allowed(p, 'a.b.carrier.com')).toBe(true);
    expect(allowed(p, 'carrier.com')).toBe(false);
    expect(allowed(p, 'evilcarrier.com')).toBe(false);
    expect(allowed(p, 'carrier.com.evil.net')).toBe(false);
  });

  it('takes IP literal entries only in canonical form, naming that form otherwise', () => {
    expect(normalizeHostPattern('[::1]')).toBe('[::1]');
    expect(allowed(['93.184.215.14'], '93.184.215.14')).toBe(true);
    expect(() => normalizeHostPattern('::1')).toThrow("'::1' is the IP address [::1] written another way");
    expect(() => normalizeHostPattern('[0:0::1]')).toThrow('canonical form, [::1]');
    expect(() => normalizeHostPattern('2130706433')).toThrow('canonical form, 127.0.0.1');
    expect(() => resolvePolicy({ allowedHosts: ['api.example.com'], allowPrivateHosts: ['0x7f000001'] })).toThrow('canonical form, 127.0.0.1');
  });

  it.each(['*', '*.com', '*.1.2.3.4', 'a.*.com', 'host:8080', 'user@host', 'host/path', '', 'exa mple.com', 'exa%2emple.com', '*.0x7f000001'])(
    'rejects the unsafe or malformed entry %j',
    (entry) => {
      expect(() => normalizeHostPattern(entry)).toThrow(EgressError);
    },
  );

  it('applies defaults and rejects nonsense limits', () => {
    const p = resolvePolicy({ allowedHosts: [] });
    expect([p.maxResponseBytes, p.timeoutMs, p.maxRedirects]).toEqual([1024 * 1024, 5000, 3]);
    expect(() => resolvePolicy({ allowedHosts: [], timeoutMs: -1 })).toThrow(/timeoutMs/);
  });
});
