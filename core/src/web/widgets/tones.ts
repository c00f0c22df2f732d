import type { Tone } from '@mosaic/sdk';

/**
 * What each tone means in words and as a glyph, so that a tone never rests on colour alone, and
 * the colour it is drawn in: each at least 4.5:1 against white and the map's land and sea.
 */
export const TONES: Record<Tone, { word: string; glyph: string; colour: string }> = {
  neutral: { word: 'Note', glyph: '•', colour: '#374151' },
  info: { word: 'Information', glyph: 'i', colour: '#1d4ed8' },
  success: { word: 'Success', glyph: '✓', colour: '#166534' },
  warning: { word: 'Warning', glyph: '!', colour: '#92400e' },
  danger: { word: 'Problem', glyph: '✕', colour: '#b91c1c' },
};

/** The English word of each tone, for screen readers and marker titles. */
export const TONE_WORDS = Object.fromEntries(Object.entries(TONES).map(([tone, { word }]) => [tone, word])) as Record<Tone, string>;
