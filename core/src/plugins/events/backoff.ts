/** How long to wait before the next attempt, given how many attempts have failed so far (1, 2, …). */
export type Backoff = (failedAttempts: number) => number;

export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  /** 0 ≤ random() < 1; injectable so tests can pin the jitter. */
  random?: () => number;
}

/**
 * Exponential backoff, min(base·2^attempt, cap), with "equal jitter": the wait is between half
 * and all of that. Jitter spreads out retries of a burst that failed together (a plugin's
 * endpoint down for everyone); keeping the lower half still lets a sick endpoint recover.
 */
export function exponentialBackoff({ baseMs = 1_000, capMs = 300_000, random = Math.random }: BackoffOptions = {}): Backoff {
  return (attempt) => {
    const ceiling = Math.min(baseMs * 2 ** Math.max(0, attempt), capMs);
    return Math.round(ceiling / 2 + random() * (ceiling / 2));
  };
}
