import { performance } from 'node:perf_hooks';

/**
 * Calls `onElapsed` once `ms` have passed by `now` (performance.now() unless given), never
 * before; returns a function that cancels it.
 *
 * A plain setTimeout can run up to a millisecond early by performance.now(): Node arms and
 * fires timers on libuv's loop clock, which counts whole milliseconds. A limit we report
 * ("exceeded its deadline of 1000 ms", metrics measured with performance.now()) must not trip
 * before that much time has passed by the same clock, so an early timer is re-armed for what is
 * left.
 */
export function afterElapsed(ms: number, onElapsed: () => void, now: () => number = () => performance.now()): () => void {
  const start = now();
  let timer: NodeJS.Timeout;
  const check = (): void => {
    const left = ms - (now() - start);
    if (left > 0) timer = setTimeout(check, Math.ceil(left));
    else onElapsed();
  };
  timer = setTimeout(check, ms);
  return () => clearTimeout(timer);
}
