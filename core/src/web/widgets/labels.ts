import type { Tone } from '@mosaic/sdk';
import { TONE_WORDS } from './tones.js';

/** The words the widget components write themselves; pass translated ones for other languages. */
export interface WidgetLabels {
  /** Read after a link's text by screen readers: links open in a new tab. */
  opensInNewTab: string;
  couldNotShow: string;
  errorCode: string;
  empty: string;
  /** A table cell without a value. */
  noValue: string;
  tones: Record<Tone, string>;
}

/** English wording. */
export const DEFAULT_WIDGET_LABELS: WidgetLabels = {
  opensInNewTab: '(opens in a new tab)',
  couldNotShow: 'This widget could not be shown.',
  errorCode: 'Code',
  empty: 'Nothing to show here.',
  noValue: 'no value',
  tones: TONE_WORDS,
};

/** Labels with the caller's overrides on top of the English defaults. */
export function widgetLabels(overrides: Partial<WidgetLabels> = {}): WidgetLabels {
  return { ...DEFAULT_WIDGET_LABELS, ...overrides, tones: { ...DEFAULT_WIDGET_LABELS.tones, ...overrides.tones } };
}
