import { describe, expect, it } from 'vitest';
import { Breakers, failureKind } from './breaker.js';

describe('Breakers', () => {
  let now = 0;
  const breakers = () => new Breakers(5, 30_000, () => now);

  it('opens after five failures of the plugin\'s own in a row, for the cooldown', () => {
    now = 1_000;
    const b = breakers();
    for (let i = 0; i < 4; i++) b.failed('i1');
    expect(b.retryAfter('i1')).toBe(0);
    b.failed('i1');
    expect(b.retryAfter('i1')).toBe(30_000);
    now += 30_000;
    expect(b.retryAfter('i1')).toBe(0);
    expect(b.retryAfter('other')).toBe(0);
  });

  it("counts the caller's failures (bad input, missing rights) apart: any amount opens nothing, and it does not reset the plugin's count", () => {
    const b = breakers();
    for (let i = 0; i < 50; i++) b.failed('i1', failureKind('BAD_USER_INPUT'));
    for (let i = 0; i < 50; i++) b.failed('i1', failureKind('FORBIDDEN'));
    for (let i = 0; i < 50; i++) b.failed('i1', failureKind('NOT_FOUND'));
    expect(b.retryAfter('i1')).toBe(0);
    for (let i = 0; i < 4; i++) {
      b.failed('i1', failureKind('PLUGIN_FAILED'));
      b.failed('i1', 'caller');
    }
    expect(b.counts('i1')).toEqual({ plugin: 4, caller: 154 });
    b.failed('i1', failureKind('PLUGIN_TIMEOUT'));
    expect(b.retryAfter('i1')).toBeGreaterThan(0);
    b.succeeded('i1');
    expect(b.counts('i1')).toEqual({ plugin: 0, caller: 0 });
  });

  it("lists the keys with failures of the plugin's own, open while paused", () => {
    let now = 0;
    const b = new Breakers(2, 1_000, () => now);
    b.failed('a');
    b.failed('b', 'caller');
    b.failed('c');
    b.failed('c');
    expect([...b.tripped()]).toEqual([{ key: 'a', failures: 1, open: false }, { key: 'c', failures: 2, open: true }]);
    now = 1_000;
    expect([...b.tripped()].find((t) => t.key === 'c')).toEqual({ key: 'c', failures: 2, open: false });
  });
});
