import { describe, expect, it } from 'vitest';
import { BoundedLabels } from './bounded-labels.js';

describe('BoundedLabels', () => {
  it('keeps the first names as they are, then answers other; a missing or malformed name is anonymous', () => {
    const labels = new BoundedLabels(3);
    expect(['A', 'B', 'A', 'C'].map((n) => labels.label(n))).toEqual(['A', 'B', 'A', 'C']);
    expect(labels.label('D')).toBe('other');
    expect(labels.label('B')).toBe('B');
    expect([undefined, null, '', 'has space', '1st', 'x'.repeat(101), 'ünïcode'].map((n) => labels.label(n))).toEqual(Array(7).fill('anonymous'));
  });
});
