import { LRUCache } from 'lru-cache';

/** How many failed sign-ins a window allows, per email from one address and per address overall. */
export interface ThrottleLimits {
  perEmailAndIp: number;
  perIp: number;
  windowMs: number;
}

export const DEFAULT_THROTTLE_LIMITS: ThrottleLimits = { perEmailAndIp: 5, perIp: 50, windowMs: 15 * 60_000 };

/**
 * Counts failed sign-ins in memory (one process; a restart forgets). The email+address key
 * stops guessing one account's password; the address key stops spraying many accounts.
 * Keys are scoped by tenant so one tenant's failures never lock out another's users.
 */
export class SignInThrottle {
  readonly #failures: LRUCache<string, number>;

  constructor(readonly limits: ThrottleLimits = DEFAULT_THROTTLE_LIMITS) {
    this.#failures = new LRUCache({ max: 50_000, ttl: limits.windowMs });
  }

  /** True when this attempt may go ahead. */
  allows(tenant: string, email: string, ip: string): boolean {
    return (this.#failures.get(pairKey(tenant, email, ip)) ?? 0) < this.limits.perEmailAndIp
      && (this.#failures.get(ipKey(tenant, ip)) ?? 0) < this.limits.perIp;
  }

  recordFailure(tenant: string, email: string, ip: string): void {
    // The window runs from the first failure: counting again does not extend it.
    for (const key of [pairKey(tenant, email, ip), ipKey(tenant, ip)]) {
      const count = this.#failures.get(key);
      if (count === undefined) this.#failures.set(key, 1);
      else this.#failures.set(key, count + 1, { noUpdateTTL: true });
    }
  }

  recordSuccess(tenant: string, email: string, ip: string): void {
    this.#failures.delete(pairKey(tenant, email, ip));
  }
}

const pairKey = (tenant: string, email: string, ip: string) => `${tenant}\u0000${email}\u0000${ip}`;
const ipKey = (tenant: string, ip: string) => `${tenant}\u0000\u0000${ip}`;

/** The process-wide throttle the sign-in uses unless given another. */
export const signInThrottle = new SignInThrottle();
