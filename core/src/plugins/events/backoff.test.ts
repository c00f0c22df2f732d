import { describe, expect, it } from 'vitest';
import { exponentialBackoff } from './backoff.js';

describe('exponentialBackoff', () => {
  it('doubles from the base up to the cap', () => {
    const top = exponentialBackoff({ random: () => 0.999999 });
    expect([1, 2, 3, 4].map(top)).toEqual([2_000, 4_000, 8_000, 16_000]);
    expect(top(9)).toBe(300_000);
    expect(top(50)).toBe(300_000);
  });

  it('jitters within the upper half so a burst of failures spreads out', () => {
    const low = exponentialBackoff({ random: () => 0 });
    expect(low(3)).toBe(4_000);
    const real = exponentialBackoff();
    const waits = Array.from({ length: 200 }, () => real(3));
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(4_000);
    expect(Math.max(...waits)).toBeLessThanOrEqual(8_000);
    expect(new Set(waits).size).toBeGreaterThan(50);
  });

  it('takes another base and cap', () => {
    const b = exponentialBackoff({ baseMs: 10, capMs: 50, random: () => 0.999999 });
    expect([0, 1, 2, 3, 10].map(b)).toEqual([10, 20, 40, 50, 50]);
  });
});
