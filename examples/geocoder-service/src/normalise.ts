/**
 * One spelling for comparing place names: case-, accent- and punctuation-insensitive, so
 * "Zürich", "zurich" and "ZURICH" meet, and "Saint-Étienne" meets "saint etienne".
 */

// Letters NFD does not split into a base letter and a mark (Ł is its own letter, not L + stroke).
const FOLDS: Record<string, string> = { ł: 'l', ø: 'o', đ: 'd', ð: 'd', ħ: 'h', ı: 'i', ß: 'ss', æ: 'ae', œ: 'oe', þ: 'th' };
const UNFOLDED = new RegExp(`[${Object.keys(FOLDS).join('')}]`, 'gu');

// Most names are plain ASCII words, which lower-casing alone normalises (a third of start-up time).
const PLAIN = /^[A-Za-z0-9]+(?: [A-Za-z0-9]+)*$/;

export function normalise(text: string): string {
  if (PLAIN.test(text)) return text.toLowerCase();
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(UNFOLDED, (letter) => FOLDS[letter] ?? letter)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Whether `phrase` (normalised) occurs in `text` (normalised) as whole words. */
export function containsWords(text: string, phrase: string): boolean {
  return phrase.length > 0 && ` ${text} `.includes(` ${phrase} `);
}
