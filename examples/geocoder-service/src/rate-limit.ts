/**
 * Requests per second per caller (an API key, or the client address without one), as a token
 * bucket: Nominatim's public policy is one request per second.
 */
export interface RateLimit {
  /** Sustained requests per second for each caller. */
  perSecond: number;
  /** Requests a caller may make at once after being idle; 1 by default. */
  burst?: number;
}

export interface RateLimiter {
  /** 0 when the request may go ahead, else the seconds to wait (for Retry-After). */
  take(caller: string, now?: number): number;
}

// Callers tracked at once; beyond that, idle (full) buckets are forgotten.
const MAX_CALLERS = 10_000;

export function rateLimiter({ perSecond, burst = 1 }: RateLimit): RateLimiter {
  if (!(perSecond > 0) || !(burst >= 1)) throw new RangeError('a rate limit needs perSecond > 0 and burst >= 1');
  const buckets = new Map<string, { tokens: number; at: number }>();
  const refill = (bucket: { tokens: number; at: number }, now: number) => {
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
  };
  return {
    take(caller, now = Date.now()) {
      if (buckets.size >= MAX_CALLERS && !buckets.has(caller)) {
        for (const [key, bucket] of buckets) {
          refill(bucket, now);
          if (bucket.tokens >= burst) buckets.delete(key);
        }
      }
      const bucket = buckets.get(caller) ?? { tokens: burst, at: now };
      buckets.set(caller, bucket);
      refill(bucket, now);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
    },
  };
}
