/** A charge's outcome: spent, or how long to wait before it could be. */
export type CostTake = { ok: true } | { ok: false; retryAfterSeconds: number };

/** What a client is told about its budget (Shopify's `throttleStatus` shape). */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/**
 * Per-tenant cost budgets as the query-cost plugin charges them: in this process (CostBuckets)
 * or shared by several nodes (SharedCostBuckets). `take` answers synchronously when it can.
 */
export interface CostLimiter {
  take(key: string, cost: number): CostTake | Promise<CostTake>;
  status(key: string): ThrottleStatus;
}

/**
 * Token buckets keyed by tenant: each holds up to `capacity` cost points and refills at
 * `perMinute / 60` points a second. In-process state: with several core processes each grants
 * its own budget, so several nodes use SharedCostBuckets instead (MOSAIC_NODES=several).
 */
export class CostBuckets implements CostLimiter {
  readonly #buckets = new Map<string, { points: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly capacity = perMinute,
    private readonly now: () => number = Date.now,
  ) {}

  /** Spends `cost` from `key`'s bucket, or says how long to wait before it could. */
  take(key: string, cost: number): CostTake {
    const now = this.now();
    const refillPerMs = this.perMinute / 60_000;
    const bucket = this.#buckets.get(key) ?? { points: this.capacity, at: now };
    bucket.points = Math.min(this.capacity, bucket.points + (now - bucket.at) * refillPerMs);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (bucket.points >= cost) {
      bucket.points -= cost;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.ceil((cost - bucket.points) / refillPerMs / 1000) };
  }

  /** What `key` could spend now, its ceiling and refill rate (Shopify's `throttleStatus` shape). */
  status(key: string): ThrottleStatus {
    const bucket = this.#buckets.get(key);
    const refilled = bucket ? bucket.points + (this.now() - bucket.at) * (this.perMinute / 60_000) : this.capacity;
    return {
      maximumAvailable: this.capacity,
      currentlyAvailable: Math.floor(Math.min(this.capacity, refilled)),
      restoreRate: this.perMinute / 60,
    };
  }
}
