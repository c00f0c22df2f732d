import { describe, expect, it } from 'vitest';
import { excerpt, identifierProblem, MAX_STORAGE_KEY_BYTES, quoteExcerpt, repairText, textIssues, textProblem } from './text-rules.js';

describe('textProblem', () => {
  it.each(['', 'plain', 'tab\there', 'lines\nand\r\nbreaks', 'emoji 🎉 and CJK 漢字', '\u00A0nbsp', '\uFFFD itself'])('accepts %j', (text) => {
    expect(textProblem(text)).toBeNull();
  });

  it.each([
    ['ab\u0000cd', /U\+0000/],
    ['bell\u0007', /U\+0007/],
    ['esc\u001B[31m', /U\+001B/],
    ['del\u007F', /U\+007F/],
    ['c1\u0085', /U\+0085/],
    ['vt\u000B', /U\+000B/],
    ['\uD800', /lone UTF-16 surrogate/],
    ['trail\uDC00', /lone UTF-16 surrogate/],
    ['swapped \uDE00\uD83D', /lone UTF-16 surrogate/],
  ])('refuses %j', (text, why) => {
    expect(textProblem(text)).toMatch(why);
  });
});

describe('identifierProblem', () => {
  it('accepts well-formed names up to the byte cap, multi-byte included', () => {
    expect(identifierProblem('a'.repeat(MAX_STORAGE_KEY_BYTES), MAX_STORAGE_KEY_BYTES)).toBeNull();
    // 166 × 3 bytes + 2 = 500
    expect(identifierProblem(`${'漢'.repeat(166)}ab`, MAX_STORAGE_KEY_BYTES)).toBeNull();
    expect(identifierProblem('%_*[\\]', MAX_STORAGE_KEY_BYTES)).toBeNull();
  });

  it('refuses empty, any control character, lone surrogates and one byte over the cap', () => {
    expect(identifierProblem('', 10)).toMatch(/empty/);
    expect(identifierProblem('', 10, { allowEmpty: true })).toBeNull();
    expect(identifierProblem('a\tb', 10)).toMatch(/U\+0009/);
    expect(identifierProblem('a\nb', 10)).toMatch(/U\+000A/);
    expect(identifierProblem('a\u0000b', 10)).toMatch(/U\+0000/);
    expect(identifierProblem('\uD800', 10)).toMatch(/surrogate/);
    expect(identifierProblem(`${'漢'.repeat(166)}abc`, MAX_STORAGE_KEY_BYTES)).toMatch(/501 bytes of UTF-8; the limit is 500/);
  });
});

describe('repairText', () => {
  it('replaces refused characters only', () => {
    expect(repairText('a\u0000b\tc\n\uD800d🎉')).toBe('a\uFFFDb\tc\n\uFFFDd🎉');
  });
});

describe('quoteExcerpt', () => {
  it('quotes short values whole and long ones as a short excerpt with their length', () => {
    expect(quoteExcerpt('^1')).toBe('"^1"');
    const quoted = quoteExcerpt('x'.repeat(50_000));
    expect(quoted.length).toBeLessThan(80);
    expect(quoted).toMatch(/\(50000 characters\)$/);
  });

  it('excerpt cuts without quoting', () => {
    expect(excerpt('^1 || ^2')).toBe('^1 || ^2');
    expect(excerpt('9'.repeat(100))).toBe(`${'9'.repeat(40)}…`);
  });

  it('never ends an excerpt in half a surrogate pair', () => {
    expect(quoteExcerpt(`${'x'.repeat(39)}🎉🎉`)).not.toMatch(/\\ud83d/);
  });
});

describe('textIssues', () => {
  it('finds bad strings and keys anywhere, with their paths', () => {
    const issues = textIssues({ ok: 'fine', lines: [{ name: 'x' }, { name: 'a\u0000' }], ['k\u0001']: 1 });
    expect(issues.map((i) => i.path)).toHaveLength(2);
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining([['lines', 1, 'name'], ['k\u0001']]));
    expect(textIssues({ a: ['ok', { b: 'tab\tok' }] })).toEqual([]);
  });
});
