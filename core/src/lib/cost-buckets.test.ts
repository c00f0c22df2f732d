import { describe, expect, it } from 'vitest';
import { CostBuckets } from './cost-buckets.js';

describe('CostBuckets', () => {
  it('status tells the ceiling, what is left (refilled at perMinute / 60 a second) and the restore rate', () => {
    let now = 1_000_000;
    const buckets = new CostBuckets(600, 600, () => now);
    expect(buckets.status('t')).toEqual({ maximumAvailable: 600, currentlyAvailable: 600, restoreRate: 10 });
    expect(buckets.take('t', 450)).toEqual({ ok: true });
    expect(buckets.status('t').currentlyAvailable).toBe(150);
    now += 2_500; // 25 points back
    expect(buckets.status('t').currentlyAvailable).toBe(175);
    expect(buckets.take('t', 200)).toEqual({ ok: false, retryAfterSeconds: 3 });
    expect(buckets.status('t').currentlyAvailable).toBe(175); // a refused take spends nothing
    now += 600_000;
    expect(buckets.status('t').currentlyAvailable).toBe(600); // never above the ceiling
    expect(buckets.status('other').currentlyAvailable).toBe(600); // each key its own bucket
  });
});
