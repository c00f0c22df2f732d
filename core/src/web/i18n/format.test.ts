import { describe, expect, it } from 'vitest';
import { translator } from './catalog.js';
import { formatters } from './format.js';

// Intl output uses narrow/no-break spaces in places; compare with plain spaces.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');
const when = new Date(Date.UTC(2026, 2, 5, 14, 7));

describe('formatters', () => {
  it('formats numbers per locale', () => {
    expect(formatters('en').number(1234567.5)).toBe('1,234,567.5');
    expect(plain(formatters('es').number(1234567.5))).toBe('1.234.567,5');
  });
  it('formats money with the currency per locale', () => {
    expect(formatters('en').money(1234.5, 'EUR')).toBe('€1,234.50');
    expect(plain(formatters('es').money(1234.5, 'EUR'))).toBe('1234,50 €');
    expect(plain(formatters('es').money(12345.5, 'USD'))).toBe('12.345,50 US$');
    expect(() => formatters('en').money(1, 'euro')).toThrow(RangeError);
  });
  it('formats dates and times per locale in the given zone', () => {
    expect(formatters('en').date(when)).toBe('Mar 5, 2026');
    expect(formatters('es').date(when)).toBe('5 mar 2026');
    expect(plain(formatters('en').dateTime(when))).toBe('Mar 5, 2026, 2:07 PM');
    expect(formatters('es', 'America/Mexico_City').dateTime(when)).toBe('5 mar 2026, 8:07');
  });
});

describe('translator', () => {
  it('translates with interpolation, unescaped (the JSX renderer escapes)', () => {
    expect(translator('es')('placeholder.portal', { tenant: 'A&B' })).toBe('Encuentre respuestas, siga sus solicitudes y contacte con A&B.');
    expect(translator('en')('errors.notFoundTitle')).toBe('Page not found');
  });
});
