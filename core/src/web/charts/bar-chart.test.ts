import { describe, expect, it } from 'vitest';
import { barChartSvg, niceCeiling } from './bar-chart.js';

const bars = (svg: string) => [...svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="([^"]+)"><title>([^<]*)<\/title>/g)]
  .map(([, x, y, w, h, fill, title]) => ({ x: Number(x), y: Number(y), w: Number(w), h: Number(h), fill, title }));

describe('barChartSvg', () => {
  it('draws one bar per value, heights in proportion, each with its title', () => {
    const svg = barChartSvg({
      title: 'Cases', categories: ['Mon', 'Tue'], formatValue: (v) => String(v),
      series: [{ name: 'Created', values: [10, 5], colour: '#1d4ed8' }, { name: 'Solved', values: [4, null], colour: '#15803d' }],
    });
    const drawn = bars(svg);
    expect(drawn.map((b) => b.title)).toEqual(['Mon, Created: 10', 'Mon, Solved: 4', 'Tue, Created: 5']);
    expect(drawn[0]!.h / drawn[2]!.h).toBeCloseTo(2, 1);
    expect(drawn[0]!.h / drawn[1]!.h).toBeCloseTo(2.5, 1);
    expect(svg).toMatch(/^<svg class="chart"[^>]* role="img" aria-label="Cases"/);
    expect(svg).not.toContain('style=');
  });

  it('escapes every label and caps how many categories are written under the axis', () => {
    const categories = Array.from({ length: 40 }, (_, i) => `<b>day ${i}</b>`);
    const svg = barChartSvg({ title: 'A & B', categories, formatValue: String, series: [{ name: '"x"', values: categories.map(() => 1), colour: '#000' }] });
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('aria-label="A &amp; B"');
    expect([...svg.matchAll(/text-anchor="middle"/g)].length).toBeLessThanOrEqual(12);
    expect(bars(svg)).toHaveLength(40);
  });

  it('draws an empty chart without bars when there is nothing to show', () => {
    expect(bars(barChartSvg({ title: 'Empty', categories: [], formatValue: String, series: [{ name: 'x', values: [], colour: '#000' }] }))).toEqual([]);
  });
});

describe('niceCeiling', () => {
  it('rounds up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 0.3, 1, 3, 7, 11, 180, 501].map(niceCeiling)).toEqual([1, 0.5, 1, 5, 10, 20, 200, 1000]);
  });
});
