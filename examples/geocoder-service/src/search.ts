import type { Gazetteer, Place } from './gazetteer.js';
import { containsWords, normalise } from './normalise.js';

/**
 * Forward geocoding against city names only: the gazetteer has no streets, house numbers or
 * postcodes, so every answer is a city and street parts of a query only help by being ignored.
 *
 * Ranking, best first:
 *  1. a name equal to the query's city (after normalise) before one merely starting with it;
 *  2. more of the query's other parts naming the place's state, county or country
 *     ("Springfield, Illinois" → Springfield IL);
 *  3. a large city by a listed other name (exonyms.ts) before places really called so (Cologne → Köln);
 *  4. prominence (the data has no population): places within 25 km, doubled for each division
 *     (state, county) named after the place, which puts Paris FR before Paris TX;
 *  5. a city found in a later comma part ("12 Rue de Rivoli, Paris" → Paris, not a street);
 *  6. file order, so equal scores always come out the same way.
 * A country in the query (its last part, or `country`/`countrycodes`) filters; a free-text one
 * that leaves no match is read as a state instead ("Atlanta, Georgia" is the US state, not GE).
 */

export interface SearchQuery {
  /** Free text, comma-separated from specific to general: "12 Rue de Rivoli, 75001 Paris, France". */
  text?: string;
  /** Structured search (instead of text). Street and postcode cannot narrow anything here. */
  city?: string;
  county?: string;
  state?: string;
  country?: string;
  /** ISO 3166-1 alpha-2 codes the answer must be in (upper case). */
  countryCodes?: readonly string[];
  limit: number;
}

interface Candidate { index: number; exact: boolean; listed: boolean; part: number; context: number; prominence: number }

// A name that only starts with the query: bounded so "san" does not rank thousands of places.
const MAX_PREFIX_MATCHES = 200;
/** Comma parts of a free-text query: an address has fewer; more would only cost time. */
export const MAX_PARTS = 10;

export function searchPlaces(gazetteer: Gazetteer, query: SearchQuery): Place[] {
  const filter = query.countryCodes?.length ? new Set(query.countryCodes) : undefined;
  const inFilter = (index: number) => !filter || filter.has(gazetteer.place(index).countryCode);
  const found = query.text !== undefined
    ? freeText(gazetteer, query.text, inFilter)
    : structured(gazetteer, query, inFilter);
  return rank(found).slice(0, query.limit).map((c) => gazetteer.place(c.index));
}

function structured(gazetteer: Gazetteer, query: SearchQuery, inFilter: (index: number) => boolean): Candidate[] {
  if (!query.city) return [];
  let keep = inFilter;
  if (query.country) {
    const code = gazetteer.countries.codeFor(query.country);
    if (!code) return [];
    keep = (index) => inFilter(index) && gazetteer.place(index).countryCode === code;
  }
  const context = [query.county, query.state].filter((p): p is string => Boolean(p)).map(normalise);
  for (const how of ['exact', 'loose'] as const) {
    const found = candidatesFor(gazetteer, query.city, how, 0, context, keep);
    if (found.length > 0) return found;
  }
  return [];
}

function freeText(gazetteer: Gazetteer, text: string, inFilter: (index: number) => boolean): Candidate[] {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p.length > 0).slice(0, MAX_PARTS);
  const last = parts.at(-1);
  const country = parts.length > 1 && last !== undefined ? gazetteer.countries.codeFor(last) : undefined;
  const cityParts = country ? parts.slice(0, -1) : parts;
  const gather = (how: Matching, keep: (index: number) => boolean) => cityParts.flatMap((part, p) => {
    const context = parts.filter((_, q) => q !== p).map(normalise);
    return candidatesFor(gazetteer, part, how, p, context, keep);
  });
  const inCountry = (index: number) => inFilter(index) && gazetteer.place(index).countryCode === country;
  for (const how of ['exact', 'loose'] as const) {
    if (country) {
      const found = gather(how, inCountry);
      if (found.length > 0) return found;
    }
    // A last part that names a country without such a place may be a state ("Atlanta, Georgia");
    // else the country stands ("Cologne, Germany" is not Cologne IT).
    const stateOnly = (c: Candidate) => !country || namesDivision(gazetteer, gazetteer.place(c.index), normalise(last!));
    const found = gather(how, inFilter).filter(stateOnly);
    if (found.length > 0) return found;
    if (how === 'exact' && parts.length === 1) {
      const split = withTrailingCountry(gazetteer, parts[0]!, inFilter);
      if (split.length > 0) return split;
    }
  }
  return [];
}

/** "Paris France", "Berlin DE": a country in the last words of a query without commas. */
function withTrailingCountry(gazetteer: Gazetteer, text: string, inFilter: (index: number) => boolean): Candidate[] {
  const words = normalise(text).split(' ');
  for (let n = Math.min(3, words.length - 1); n >= 1; n--) {
    const code = gazetteer.countries.codeFor(words.slice(-n).join(' '));
    if (!code) continue;
    const inCountry = (index: number) => inFilter(index) && gazetteer.place(index).countryCode === code;
    const found = candidatesFor(gazetteer, words.slice(0, -n).join(' '), 'exact', 0, [], inCountry);
    if (found.length > 0) return found;
  }
  return [];
}

type Matching = 'exact' | 'loose';

/**
 * Places a part names. Exact: the part, else the part without its house numbers and postcodes
 * ("75001 Paris"). Loose, once nothing matched exactly: names starting with it ("New York" →
 * New York City), else its last words ("12 Rue de Rivoli Paris").
 */
function candidatesFor(
  gazetteer: Gazetteer, part: string, how: Matching, position: number, context: string[], keep: (index: number) => boolean,
): Candidate[] {
  const words = normalise(part).split(' ').filter((w) => w.length > 0);
  const withoutNumbers = words.filter((w) => !/\d/.test(w));
  const whole = [...new Set([words.join(' '), withoutNumbers.join(' ')])].filter((s) => s.length > 0);
  const listed = new Set(whole.flatMap((name) => gazetteer.otherNamed(name)));
  const score = (index: number, exact: boolean): Candidate => ({
    index, exact, listed: exact && listed.has(index), part: position,
    context: contextMatches(gazetteer, gazetteer.place(index), context), prominence: gazetteer.prominence(index),
  });
  const lookups: Array<() => number[]> = how === 'exact'
    ? whole.map((name) => () => [...gazetteer.named(name)])
    : [
      ...whole.map((name) => () => gazetteer.namedStartingWith(name, MAX_PREFIX_MATCHES)),
      ...withoutNumbers.slice(1).map((_, drop) => () => [...gazetteer.named(withoutNumbers.slice(drop + 1).join(' '))]),
    ];
  for (const lookup of lookups) {
    const found = lookup().filter(keep);
    if (found.length > 0) return found.map((i) => score(i, how === 'exact'));
  }
  return [];
}

/** How many of the query's other parts name this place's division or country. */
function contextMatches(gazetteer: Gazetteer, place: Place, context: readonly string[]): number {
  return context.filter((part) => namesDivision(gazetteer, place, part) || gazetteer.countries.codeFor(part) === place.countryCode).length;
}

/** Whether a normalised part names the place's state (or its code, "IL") or county. */
function namesDivision(gazetteer: Gazetteer, place: Place, part: string): boolean {
  const { state, county } = gazetteer.divisions(place.index);
  return part.length > 0 && (part === place.stateCode.toLowerCase() || containsWords(state, part) || containsWords(county, part));
}

function rank(candidates: Candidate[]): Candidate[] {
  const best = new Map<number, Candidate>();
  for (const c of candidates) {
    const seen = best.get(c.index);
    if (!seen || compare(c, seen) < 0) best.set(c.index, c);
  }
  return [...best.values()].sort(compare);
}

function compare(a: Candidate, b: Candidate): number {
  return Number(b.exact) - Number(a.exact)
    || b.context - a.context
    || Number(b.listed) - Number(a.listed)
    || b.prominence - a.prominence
    || b.part - a.part
    || a.index - b.index;
}
