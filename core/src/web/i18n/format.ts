import type { Locale } from './catalog.js';

/** Locale-aware formatting for pages: dates, times, numbers and money. */
export interface Formatters {
  date(value: Date): string;
  dateTime(value: Date): string;
  number(value: number): string;
  /** `amount` in the currency's major unit (12.5 EUR), `currency` an ISO 4217 code. */
  money(amount: number, currency: string): string;
}

/** Intl objects are costly to build; a page formats many values, a process serves few locales. */
const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, make: () => T): T {
  let value = cache.get(key) as T | undefined;
  if (!value) {
    value = make();
    cache.set(key, value);
  }
  return value;
}

/**
 * The formatters of one locale, in one time zone (the tenant's; UTC unless given), so a page
 * never depends on the server's own zone.
 */
export function formatters(locale: Locale, timeZone = 'UTC'): Formatters {
  return {
    date: (value) => cached(`d|${locale}|${timeZone}`, () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone })).format(value),
    dateTime: (value) => cached(`dt|${locale}|${timeZone}`, () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone })).format(value),
    number: (value) => cached(`n|${locale}`, () => new Intl.NumberFormat(locale)).format(value),
    money: (amount, currency) => {
      if (!/^[A-Z]{3}$/.test(currency)) throw new RangeError(`not an ISO 4217 currency code: ${currency}`);
      return cached(`m|${locale}|${currency}`, () => new Intl.NumberFormat(locale, { style: 'currency', currency })).format(amount);
    },
  };
}
