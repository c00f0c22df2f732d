import { escapeMarkup as esc } from '../widgets/escape.js';

/** One series of bars: a name for the legend and a value per category (null: no bar). */
export interface BarSeries {
  name: string;
  values: readonly (number | null)[];
  /** An SVG paint, from the page's own palette (never from user input). */
  colour: string;
}

export interface BarChartOptions {
  /** The chart's title, read first by screen readers and shown above it. */
  title: string;
  /** Category names, one per group of bars (dates, channels, agents). */
  categories: readonly string[];
  series: readonly BarSeries[];
  /** How a value reads in each bar's title ("12 min", "85 %"). */
  formatValue: (value: number) => string;
  /** How a value reads on the axis, where room is short; `formatValue` when left out. */
  formatAxis?: (value: number) => string;
  width?: number;
  height?: number;
}

const MARGIN = { top: 12, right: 12, bottom: 44, left: 64 };
/** More category labels than this overlap; every n-th is written, each bar keeps its title. */
const MAX_LABELS = 12;
const MAX_LABEL_CHARS = 14;
/** A legend entry has 150 px. */
const MAX_LEGEND_CHARS = 24;

/** 1, 2 or 5 times a power of ten, at least `value`: round numbers for the axis. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((m) => m * power >= value)!;
  return step * power;
}

const round1 = (v: number) => Math.round(v * 10) / 10;
const shorten = (label: string, max = MAX_LABEL_CHARS) => (label.length > max ? `${label.slice(0, max - 1)}…` : label);

/**
 * A grouped bar chart drawn on the server as accessible SVG (no client chart library, no inline
 * style: colours are presentation attributes, so the page's strict CSP holds). Every bar has a
 * <title> with its category, series and value; the figures are also in the page's table.
 */
export function barChartSvg(options: BarChartOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 260;
  const { categories, series } = options;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const max = niceCeiling(Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)))));
  const y = (v: number) => MARGIN.top + plotH - (Math.max(0, v) / max) * plotH;
  const groupW = plotW / Math.max(1, categories.length);
  const barW = Math.max(1, (groupW * 0.8) / Math.max(1, series.length));
  const every = Math.ceil(categories.length / MAX_LABELS);
  const parts: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const value = (max * i) / 4;
    const gy = round1(y(value));
    parts.push(`<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${gy}" y2="${gy}" stroke="#d1d5db" stroke-width="1"/>`
      + `<text x="${MARGIN.left - 6}" y="${gy + 4}" text-anchor="end" font-size="12" fill="#374151">${esc((options.formatAxis ?? options.formatValue)(value))}</text>`);
  }
  categories.forEach((category, c) => {
    const x0 = MARGIN.left + c * groupW + groupW * 0.1;
    series.forEach((s, k) => {
      const value = s.values[c];
      if (value === null || value === undefined || !Number.isFinite(value)) return;
      const top = round1(y(value));
      parts.push(`<rect x="${round1(x0 + k * barW)}" y="${top}" width="${round1(barW)}" height="${round1(MARGIN.top + plotH - top)}" fill="${s.colour}">`
        + `<title>${esc(`${category}, ${s.name}: ${options.formatValue(value)}`)}</title></rect>`);
    });
    if (c % every === 0) {
      parts.push(`<text x="${round1(MARGIN.left + (c + 0.5) * groupW)}" y="${height - MARGIN.bottom + 16}" text-anchor="middle" font-size="12" fill="#374151">${esc(shorten(category))}</text>`);
    }
  });
  const legend = series.map((s, k) => `<rect x="${MARGIN.left + k * 150}" y="${height - 16}" width="10" height="10" fill="${s.colour}"/>`
    + `<text x="${MARGIN.left + k * 150 + 14}" y="${height - 7}" font-size="12" fill="#111827">${esc(shorten(s.name, MAX_LEGEND_CHARS))}</text>`).join('');
  return `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(options.title)}" focusable="false">`
    + `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#6b7280" stroke-width="1"/>`
    + parts.join('') + legend + '</svg>';
}
