import { describe, expect, it } from 'vitest';
import { negotiateLocale, parseAcceptLanguage, type LocaleSettings } from './negotiate.js';

const both: LocaleSettings = { defaultLocale: 'en', enabledLocales: ['en', 'es'] };
const spanishFirst: LocaleSettings = { defaultLocale: 'es', enabledLocales: ['es', 'en'] };
const englishOnly: LocaleSettings = { defaultLocale: 'en', enabledLocales: ['en'] };

describe('parseAcceptLanguage', () => {
  it('orders by q-value, ties in header order, and drops q=0', () => {
    expect(parseAcceptLanguage('fr;q=0.5, es-MX, en;q=0.8, de;q=0, pt')).toEqual([
      { tag: 'es-mx', q: 1 }, { tag: 'pt', q: 1 }, { tag: 'en', q: 0.8 }, { tag: 'fr', q: 0.5 },
    ]);
  });
  it('skips malformed ranges and weights', () => {
    expect(parseAcceptLanguage('en;q=2, <script>, es;q=abc, fr ; q = 0.25, ')).toEqual([{ tag: 'fr', q: 0.25 }]);
  });
  it('is empty for a missing header and bounded for a huge one', () => {
    expect(parseAcceptLanguage(undefined)).toEqual([]);
    expect(parseAcceptLanguage(Array(10_000).fill('en').join(',')).length).toBeLessThanOrEqual(32);
  });
});

describe('negotiateLocale', () => {
  it('takes an explicit choice first, if enabled', () => {
    expect(negotiateLocale(both, { chosen: 'es', acceptLanguage: 'en' })).toBe('es');
    expect(negotiateLocale(englishOnly, { chosen: 'es', acceptLanguage: 'es' })).toBe('en');
    expect(negotiateLocale(both, { chosen: 'xx', acceptLanguage: 'es' })).toBe('es');
  });
  it('then the best Accept-Language match, by primary subtag too', () => {
    expect(negotiateLocale(both, { acceptLanguage: 'es-MX,es;q=0.9,en;q=0.8' })).toBe('es');
    expect(negotiateLocale(both, { acceptLanguage: 'fr, en;q=0.1, es;q=0.2' })).toBe('es');
    expect(negotiateLocale(spanishFirst, { acceptLanguage: 'en-GB' })).toBe('en');
  });
  it('then the tenant default', () => {
    expect(negotiateLocale(spanishFirst, {})).toBe('es');
    expect(negotiateLocale(spanishFirst, { acceptLanguage: 'fr, de' })).toBe('es');
    expect(negotiateLocale(spanishFirst, { acceptLanguage: '*, en;q=0.5' })).toBe('es');
    expect(negotiateLocale(both, { acceptLanguage: 'es;q=0' })).toBe('en');
  });
});
