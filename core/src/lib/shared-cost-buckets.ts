import type { Client } from '@libsql/client';
import type { CostLimiter, CostTake, ThrottleStatus } from './cost-buckets.js';

/** Epoch milliseconds by the database's clock: every node refills by the same clock. */
const DB_NOW_MS = `cast((julianday('now') - 2440587.5) * 86400000 as integer)`;

/** Refills the bucket to now (creating it full), and answers the level before anything is taken. */
const REFILL = `insert into cost_buckets (tenant_id, points, updated_at) values (:tenant, :capacity, ${DB_NOW_MS})
  on conflict (tenant_id) do update set
    points = min(:capacity, points + max(0, ${DB_NOW_MS} - updated_at) * :perMs),
    updated_at = ${DB_NOW_MS}
  returning points`;

/** Takes `want` points (or all that is left) if at least `need` are there; no row when refused. */
const LEASE = `update cost_buckets set points = points - min(points, :want)
  where tenant_id = :tenant and points >= :need
  returning points`;

/** What this node holds of one tenant's budget. */
interface Held {
  /** Leased points not spent yet. */
  points: number;
  /** When the lease was taken (local clock); unspent points are dropped `leaseMs` later. */
  leasedAt: number;
  /**
   * The shared level as last seen, and when: only other nodes' leases lower it meanwhile, so
   * refilled from then it is an upper bound, and a request above it is refused without asking.
   */
  level: number;
  levelAt: number;
}

export interface SharedCostBucketsOptions {
  /** Points leased beyond what a request needs (default capacity / 20). */
  leaseSize?: number;
  /** Unspent leased points are dropped after this long, so a quiet node holds nothing stale. */
  leaseMs?: number;
  now?: () => number;
}

/**
 * Per-tenant cost budgets shared by several nodes through the control database (`cost_buckets`),
 * with the refill of CostBuckets. A node leases points in chunks — one transaction of two
 * statements (refill, then a conditional take) — and spends them locally, so the database is
 * touched once per lease rather than once per request.
 *
 * The bound: a node holds at most `leaseSize` unspent points per tenant (a lease is what the
 * request needs plus at most `leaseSize`), already taken from the shared bucket. So over any
 * window the nodes together accept at most one node's allowance (capacity + refill) plus
 * `nodes × leaseSize` (points leased before the window, spent in it), and refuse no more than
 * `nodes × leaseSize` too early (points sitting in another node's lease).
 */
export class SharedCostBuckets implements CostLimiter {
  readonly #held = new Map<string, Held>();
  /** One lease request per tenant at a time; others wait for it and then try the local points. */
  readonly #leasing = new Map<string, Promise<unknown>>();
  readonly #perMs: number;
  readonly leaseSize: number;
  readonly #leaseMs: number;
  readonly #now: () => number;

  constructor(
    private readonly client: Client,
    private readonly perMinute: number,
    private readonly capacity = perMinute,
    options: SharedCostBucketsOptions = {},
  ) {
    this.#perMs = perMinute / 60_000;
    this.leaseSize = options.leaseSize ?? Math.ceil(capacity / 20);
    this.#leaseMs = options.leaseMs ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** Spends `cost` from the tenant's shared budget: locally from a lease when it can, else leases. */
  take(key: string, cost: number): CostTake | Promise<CostTake> {
    const now = this.#now();
    const held = this.#heldAt(key, now);
    if (held.points >= cost) {
      held.points -= cost;
      return { ok: true };
    }
    const need = cost - held.points;
    const ceiling = this.#refilled(held, now);
    if (ceiling < need) return this.#refusal(need, ceiling);
    const pending = this.#leasing.get(key);
    if (pending) return pending.then(() => this.take(key, cost));
    const leasing = this.#lease(key, held, need).finally(() => this.#leasing.delete(key));
    this.#leasing.set(key, leasing.catch(() => undefined));
    return leasing.then(() => this.take(key, cost));
  }

  /** What the tenant could spend now as this node knows it: the shared level plus its lease. */
  status(key: string): ThrottleStatus {
    const now = this.#now();
    const held = this.#heldAt(key, now);
    return {
      maximumAvailable: this.capacity,
      currentlyAvailable: Math.floor(Math.min(this.capacity, this.#refilled(held, now) + held.points)),
      restoreRate: this.perMinute / 60,
    };
  }

  #heldAt(key: string, now: number): Held {
    let held = this.#held.get(key);
    if (!held) this.#held.set(key, (held = { points: 0, leasedAt: now, level: this.capacity, levelAt: now }));
    if (held.points > 0 && now - held.leasedAt > this.#leaseMs) held.points = 0;
    return held;
  }

  #refilled(held: Held, now: number): number {
    return Math.min(this.capacity, held.level + Math.max(0, now - held.levelAt) * this.#perMs);
  }

  #refusal(need: number, level: number): CostTake {
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((need - level) / this.#perMs / 1000)) };
  }

  /**
   * Asks the database for `need` points plus up to a lease's worth. Refused, the level it saw is
   * remembered, so the next take of this tenant is refused here until the refill could cover it.
   */
  async #lease(key: string, held: Held, need: number): Promise<void> {
    // Each statement gets exactly its own parameters (a libsql server refuses any extra).
    const [refill, lease] = await this.client.batch([
      { sql: REFILL, args: { tenant: key, capacity: this.capacity, perMs: this.#perMs } },
      { sql: LEASE, args: { tenant: key, need, want: need + this.leaseSize } },
    ], 'write');
    const now = this.#now();
    const before = Number(refill!.rows[0]!.points);
    const after = lease!.rows[0] ? Number(lease!.rows[0].points) : undefined;
    held.level = after ?? before;
    held.levelAt = now;
    if (after === undefined) return;
    held.points += before - after;
    held.leasedAt = now;
  }
}
