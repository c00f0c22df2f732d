import { describe, expect, it } from 'vitest';
import { injectSecrets, redact } from './secrets.js';

describe('injectSecrets', () => {
  it('substitutes placeholders in header values and records which headers carry secrets', () => {
    const { headers, secretBearing } = injectSecrets(
      { Authorization: 'Bearer {{secret:TOKEN}}', 'X-Both': '{{ secret:A }}:{{secret:B}}', Accept: 'text/plain' },
      { TOKEN: 't0k', A: 'a1', B: 'b2' },
    );
    expect(headers).toEqual({ Authorization: 'Bearer t0k', 'X-Both': 'a1:b2', Accept: 'text/plain' });
    expect([...secretBearing].sort()).toEqual(['authorization', 'x-both']);
  });

  it('names an unknown secret without revealing any configured value', () => {
    expect(() => injectSecrets({ 'X-Key': '{{secret:MISSING}}' }, { OTHER: 'hunter2' })).toThrow(
      expect.objectContaining({ code: 'EGRESS_BAD_REQUEST', message: expect.stringContaining("'MISSING'") }),
    );
    try {
      injectSecrets({ 'X-Key': '{{secret:MISSING}}' }, { OTHER: 'hunter2' });
    } catch (e) {
      expect(String((e as Error).message)).not.toContain('hunter2');
    }
  });

  it('rejects a malformed placeholder instead of sending it literally', () => {
    expect(() => injectSecrets({ 'X-Key': '{{secret:bad name}}' }, {})).toThrow(/malformed secret placeholder/);
    expect(() => injectSecrets({ 'X-Key': '{{secret:A}} {{secret:bad name}}' }, { A: 'a' })).toThrow(/malformed secret placeholder/);
  });

  it('does not treat inherited object keys as secrets', () => {
    expect(() => injectSecrets({ 'X-Key': '{{secret:constructor}}' }, {})).toThrow(/not configured/);
  });
});

describe('redact', () => {
  it('removes raw and URL-encoded secret values, longest first', () => {
    const secrets = { SHORT: 'abc', LONG: 'abc def/ghi' };
    expect(redact('x abc def/ghi y abc z', secrets)).toBe('x [redacted:LONG] y [redacted:SHORT] z');
    expect(redact('https://h/?t=abc%20def%2Fghi', secrets)).toBe('https://h/?t=[redacted:LONG]');
    expect(redact('https://h/abc%20def/ghi', secrets)).toBe('https://h/[redacted:LONG]');
  });

  it('ignores empty secrets and leaves text without secrets alone', () => {
    expect(redact('nothing here', { EMPTY: '' })).toBe('nothing here');
  });
});
