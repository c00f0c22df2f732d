/** Requests per API key and fixed window, as carriers meter their APIs. */
export interface RateLimit {
  /** Requests allowed per key and window. */
  limit: number;
  windowSeconds: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Counts on the service's clock, so tests can move past a window instead of waiting. */
export function createRateLimiter({ limit, windowSeconds }: RateLimit): (key: string, now: number) => RateDecision {
  const windowMs = windowSeconds * 1000;
  const windows = new Map<string, { start: number; count: number }>();
  return (key, now) => {
    let window = windows.get(key);
    if (!window || now >= window.start + windowMs || now < window.start) {
      window = { start: now, count: 0 };
      windows.set(key, window);
    }
    if (window.count >= limit) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.start + windowMs - now) / 1000)) };
    window.count += 1;
    return { allowed: true };
  };
}
