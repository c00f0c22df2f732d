import { normalise } from './normalise.js';

/**
 * Country names from Node's ICU (Intl.DisplayNames), so no hand-kept table of ~250 names: a
 * free-text "…, Deutschland" or "…, Switzerland" resolves to DE or CH. The gazetteer only has
 * ISO 3166-1 alpha-2 codes.
 */

// Languages whose country names are accepted in a query (as customers type their own country).
const QUERY_LANGUAGES = ['en', 'fr', 'de', 'es', 'it', 'pt', 'nl'];

// Everyday names ICU does not give (it has "United States", "United Kingdom", "Czechia", …).
const ALIASES: Record<string, string> = {
  usa: 'US', 'u s a': 'US', 'united states of america': 'US', america: 'US',
  uk: 'GB', 'great britain': 'GB', britain: 'GB', england: 'GB', scotland: 'GB', wales: 'GB', 'northern ireland': 'GB',
  holland: 'NL', 'czech republic': 'CZ', turkey: 'TR', 'south korea': 'KR', 'ivory coast': 'CI',
};

export interface CountryNames {
  /** The ISO code for a name or code in any accepted language, e.g. "Schweiz" → CH, "fr" → FR. */
  codeFor(text: string): string | undefined;
  /** The country's name in `language` (falling back to English), e.g. CH → "Switzerland". */
  nameOf(code: string, language?: string): string;
}

export function countryNames(codes: Iterable<string>): CountryNames {
  const known = new Set(codes);
  const byName = new Map<string, string>();
  for (const language of QUERY_LANGUAGES) {
    const names = new Intl.DisplayNames([language], { type: 'region', fallback: 'none' });
    for (const code of known) {
      const name = names.of(code);
      if (name && !byName.has(normalise(name))) byName.set(normalise(name), code);
    }
  }
  for (const [alias, code] of Object.entries(ALIASES)) byName.set(alias, code);

  const displayNames = new Map<string, Intl.DisplayNames>();
  const namesIn = (language: string): Intl.DisplayNames => {
    let names = displayNames.get(language);
    if (!names) {
      names = new Intl.DisplayNames([language, 'en'], { type: 'region' });
      // Languages come from requests: keep a bounded few.
      if (displayNames.size < 64) displayNames.set(language, names);
    }
    return names;
  };

  return {
    codeFor(text) {
      const key = normalise(text);
      if (/^[a-z]{2}$/.test(key) && known.has(key.toUpperCase())) return key.toUpperCase();
      return byName.get(key);
    },
    nameOf(code, language = 'en') {
      try {
        return namesIn(language).of(code) ?? code;
      } catch {
        // An accept-language the runtime cannot parse: answer in English rather than fail.
        return namesIn('en').of(code) ?? code;
      }
    },
  };
}
