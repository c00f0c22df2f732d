/** The most words a search passes to the index; more only slows it without changing the best hits. */
export const MAX_QUERY_TERMS = 12;
/** The longest word kept (a longer one is no real word, only index work). */
const MAX_TERM_CHARS = 40;

/**
 * The words of what someone typed, as the index sees words: letters and digits only, so quotes,
 * operators (AND, NEAR, *), parentheses and other punctuation never reach FTS5 as syntax.
 * Duplicates are dropped and at most `max` words kept.
 */
export function searchTerms(text: string, max = MAX_QUERY_TERMS): string[] {
  const words = text.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0 && w.length <= MAX_TERM_CHARS);
  return [...new Set(words.map((w) => w.toLowerCase()))].slice(0, max);
}

/** A word as an FTS5 string (quotes doubled), so no word is read as query syntax ("AND" is a word). */
const ftsString = (word: string) => `"${word.replace(/"/g, '""')}"`;

/**
 * The FTS5 query for search terms: every word (`all`) or any word (`any`) must occur, the last
 * one also as the start of a longer word (results follow the typing).
 */
export function ftsQuery(words: readonly string[], match: 'all' | 'any' = 'all'): string {
  return words.map((w, i) => (i === words.length - 1 ? `${ftsString(w)}*` : ftsString(w))).join(match === 'all' ? ' ' : ' OR ');
}
