import { isLocale, type Locale } from './catalog.js';

/** Longer headers are cut here before parsing: real browsers send a few dozen bytes. */
const MAX_HEADER_CHARS = 512;
const MAX_RANGES = 32;

/** One language range of an Accept-Language header with its weight. */
export interface LanguageRange { tag: string; q: number }

/**
 * Parses Accept-Language (RFC 9110 §12.5.4): ranges ordered by q-value, highest first, ties in
 * header order; q=0 ("not acceptable") and malformed entries are dropped.
 */
export function parseAcceptLanguage(header: string | undefined): LanguageRange[] {
  if (!header) return [];
  const ranges: (LanguageRange & { index: number })[] = [];
  const parts = header.slice(0, MAX_HEADER_CHARS).split(',').slice(0, MAX_RANGES);
  parts.forEach((part, index) => {
    const [rawTag, ...params] = part.trim().split(';');
    const tag = rawTag?.trim().toLowerCase() ?? '';
    if (!/^(\*|[a-z]{1,8}(-[a-z0-9]{1,8})*)$/.test(tag)) return;
    let q = 1;
    for (const param of params) {
      const m = /^\s*q\s*=\s*(0(\.\d{0,3})?|1(\.0{0,3})?)\s*$/i.exec(param);
      if (m) q = Number(m[1]);
      else if (/^\s*q\s*=/i.test(param)) return; // a malformed weight voids the range
    }
    if (q > 0) ranges.push({ tag, q, index });
  });
  return ranges.sort((a, b) => b.q - a.q || a.index - b.index).map(({ tag, q }) => ({ tag, q }));
}

/** What a tenant offers: its enabled locales (non-empty) and the default among them. */
export interface LocaleSettings { defaultLocale: Locale; enabledLocales: readonly Locale[] }

/**
 * The locale of a page: the visitor's explicit choice (the language cookie), else the best
 * Accept-Language match ("es-MX" matches "es"), else the tenant's default. Only enabled locales
 * are ever chosen.
 */
export function negotiateLocale(
  settings: LocaleSettings,
  input: { chosen?: string | undefined; acceptLanguage?: string | undefined },
): Locale {
  const enabled = (l: string): l is Locale => isLocale(l) && settings.enabledLocales.includes(l);
  if (input.chosen && enabled(input.chosen)) return input.chosen;
  for (const { tag } of parseAcceptLanguage(input.acceptLanguage)) {
    if (tag === '*') break; // "anything else": the tenant's default serves
    const primary = tag.split('-')[0]!;
    if (enabled(tag)) return tag;
    if (enabled(primary)) return primary;
  }
  return settings.defaultLocale;
}
