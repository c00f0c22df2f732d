/**
 * How a failed call counts: the plugin's own failure, or the caller's: bad input (the plugin
 * refused the arguments with BAD_USER_INPUT, or they were refused before the plugin ran) or
 * rights the caller lacks (a write refused FORBIDDEN because the calling key is read-only, or
 * NOT_FOUND because a portal customer's call named someone else's record).
 */
export type FailureKind = 'plugin' | 'caller';

/** The caller's failures say nothing about the plugin's health, so they never count towards a pause. */
export const failureKind = (code: string): FailureKind =>
  (code === 'BAD_USER_INPUT' || code === 'FORBIDDEN' || code === 'NOT_FOUND' ? 'caller' : 'plugin');

/**
 * A per-installation circuit breaker: after `threshold` failures of the plugin's own in a row
 * the plugin is not called for `cooldownMs`; then one trial call decides whether it closes
 * again. Failing fast keeps a broken plugin from costing every request its full timeout.
 * The caller's failures are counted apart and trip nothing: the pause holds for every caller of
 * the tenant, so any caller able to send bad arguments (or to call a writing mutation with a
 * read-only key) could otherwise pause a healthy plugin for everyone.
 */
export class Breakers {
  readonly #state = new Map<string, { failures: number; openUntil: number; callerFailures: number }>();

  constructor(
    private readonly threshold = 5,
    private readonly cooldownMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until `key` may be tried again; 0 when it may be called now. */
  retryAfter(key: string): number {
    const s = this.#state.get(key);
    return s && s.failures >= this.threshold ? Math.max(0, s.openUntil - this.now()) : 0;
  }

  succeeded(key: string): void {
    this.#state.delete(key);
  }

  /**
   * Records a failed call. The caller's failures neither count towards the pause nor clear the
   * count of the plugin's own (interleaved bad calls must not keep a broken plugin running).
   */
  failed(key: string, kind: FailureKind = 'plugin'): void {
    const s = this.#state.get(key) ?? { failures: 0, openUntil: 0, callerFailures: 0 };
    if (kind === 'caller') {
      s.callerFailures += 1;
    } else {
      s.failures += 1;
      if (s.failures >= this.threshold) s.openUntil = this.now() + this.cooldownMs;
    }
    this.#state.set(key, s);
  }

  /** Failures of `key` since its last success, by kind (for operators and tests). */
  counts(key: string): { plugin: number; caller: number } {
    const s = this.#state.get(key);
    return { plugin: s?.failures ?? 0, caller: s?.callerFailures ?? 0 };
  }

  /** Keys with failures of the plugin's own since their last success; `open` while paused (read by the server's metrics). */
  *tripped(): Generator<{ key: string; failures: number; open: boolean }> {
    const now = this.now();
    for (const [key, s] of this.#state) {
      if (s.failures > 0) yield { key, failures: s.failures, open: s.failures >= this.threshold && s.openUntil > now };
    }
  }
}
