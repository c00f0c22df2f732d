/**
 * A per-installation circuit breaker: after `threshold` failures in a row the plugin is not called
 * for `cooldownMs`; then one trial call decides whether it closes again. Failing fast keeps a
 * broken plugin from costing every request its full timeout.
 */
export class Breakers {
  readonly #state = new Map<string, { failures: number; openUntil: number }>();

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

  failed(key: string): void {
    const s = this.#state.get(key) ?? { failures: 0, openUntil: 0 };
    s.failures += 1;
    if (s.failures >= this.threshold) s.openUntil = this.now() + this.cooldownMs;
    this.#state.set(key, s);
  }
}
