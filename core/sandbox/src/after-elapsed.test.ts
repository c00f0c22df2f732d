import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { afterElapsed } from './after-elapsed.js';

describe('afterElapsed', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('re-arms a timer that fires before the measuring clock says the time has passed', () => {
    vi.useFakeTimers();
    let clock = 0;
    const elapsed = vi.fn();
    afterElapsed(1_000, elapsed, () => clock);

    // The timer fires on its own clock while ours says 999.932 ms (the CI failure's numbers).
    clock = 999.932;
    vi.advanceTimersByTime(1_000);
    expect(elapsed).not.toHaveBeenCalled();

    clock = 1_000;
    vi.advanceTimersByTime(1);
    expect(elapsed).toHaveBeenCalledOnce();
  });

  it('fires once, on time, when the clocks agree', () => {
    vi.useFakeTimers();
    const elapsed = vi.fn();
    afterElapsed(50, elapsed, () => Date.now());
    vi.advanceTimersByTime(49);
    expect(elapsed).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    vi.advanceTimersByTime(1_000);
    expect(elapsed).toHaveBeenCalledOnce();
  });

  it('can be cancelled, also after an early firing re-armed it', () => {
    vi.useFakeTimers();
    let clock = 0;
    const elapsed = vi.fn();
    const cancel = afterElapsed(100, elapsed, () => clock);
    clock = 99.5;
    vi.advanceTimersByTime(100);
    cancel();
    clock = 200;
    vi.advanceTimersByTime(1_000);
    expect(elapsed).not.toHaveBeenCalled();
  });

  it('never fires early by performance.now() with real timers', async () => {
    // A plain setTimeout(…, 5) runs under 5 ms by performance.now() a few times in a hundred.
    const observed: number[] = [];
    for (let i = 0; i < 100; i++) {
      await new Promise<void>((resolve) => {
        const start = performance.now();
        afterElapsed(5, () => {
          observed.push(performance.now() - start);
          resolve();
        });
      });
    }
    expect(Math.min(...observed)).toBeGreaterThanOrEqual(5);
  });
});
