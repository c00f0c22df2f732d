import { describe, expect, it } from 'vitest';
import { assertInputDepth, MAX_INPUT_DEPTH, nestsDeeperThan } from './input-depth.js';

const nested = (levels: number) => JSON.parse(`${'['.repeat(levels)}1${']'.repeat(levels)}`) as unknown;

describe('input depth', () => {
  it('counts objects and arrays; scalars are depth 0', () => {
    expect(nestsDeeperThan(1, 0)).toBe(false);
    expect(nestsDeeperThan({}, 0)).toBe(true);
    expect(nestsDeeperThan({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(nestsDeeperThan({ a: [{ b: {} }] }, 3)).toBe(true);
    expect(nestsDeeperThan(nested(MAX_INPUT_DEPTH), MAX_INPUT_DEPTH)).toBe(false);
  });

  it('a hundred thousand levels are judged without recursion', () => {
    expect(nestsDeeperThan(nested(100_000), MAX_INPUT_DEPTH)).toBe(true);
    expect(() => assertInputDepth(nested(100_000), 'config')).toThrow(/config nests deeper than 32 levels/);
  });
});
