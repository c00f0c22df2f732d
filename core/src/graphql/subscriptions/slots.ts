import { AppError } from '../../lib/errors.js';

/** How many subscriptions may be open at once. */
export interface SubscriptionLimits {
  maxSubscriptionsPerTenant: number;
  maxSubscriptionsPerKey: number;
}

/**
 * Counts the open subscriptions of each tenant and API key in this process, so one tenant (or
 * one runaway client) cannot hold every listener. A refused subscription never starts.
 */
export class SubscriptionSlots {
  readonly #byTenant = new Map<string, number>();
  readonly #byKey = new Map<string, number>();
  /** How to end each open subscription, for a server that shuts down. */
  readonly #enders = new Set<() => void>();

  constructor(private readonly limits: SubscriptionLimits) {}

  /**
   * Takes a slot for the key of the tenant, or throws TOO_MANY_SUBSCRIPTIONS. Returns the release
   * (safe to call more than once). `end` stops the subscription when the server shuts down.
   *
   * @example const release = slots.acquire(ctx.tenantId, ctx.actor, () => stream.return()); ... release();
   */
  acquire(tenantId: string, keyId: string, end: () => void = () => {}): () => void {
    const tenantOpen = this.#byTenant.get(tenantId) ?? 0;
    const keyOpen = this.#byKey.get(keyId) ?? 0;
    if (tenantOpen >= this.limits.maxSubscriptionsPerTenant) {
      throw new AppError('TOO_MANY_SUBSCRIPTIONS', `this tenant already has ${tenantOpen} open subscriptions (the limit); close one first (MOSAIC_MAX_SUBSCRIPTIONS_PER_TENANT)`,
        { limit: this.limits.maxSubscriptionsPerTenant });
    }
    if (keyOpen >= this.limits.maxSubscriptionsPerKey) {
      throw new AppError('TOO_MANY_SUBSCRIPTIONS', `this API key already has ${keyOpen} open subscriptions (the limit); close one first (MOSAIC_MAX_SUBSCRIPTIONS_PER_KEY)`,
        { limit: this.limits.maxSubscriptionsPerKey });
    }
    this.#byTenant.set(tenantId, tenantOpen + 1);
    this.#byKey.set(keyId, keyOpen + 1);
    this.#enders.add(end);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#enders.delete(end);
      decrement(this.#byTenant, tenantId);
      decrement(this.#byKey, keyId);
    };
  }

  /**
   * Ends every open subscription (each stream sends `complete` and closes), so a server that
   * stops is not held open by clients that would otherwise listen for ever.
   */
  endAll(): void {
    for (const end of [...this.#enders]) end();
  }

  /** Open subscriptions of the tenant. */
  openFor(tenantId: string): number {
    return this.#byTenant.get(tenantId) ?? 0;
  }
}

function decrement(counts: Map<string, number>, id: string): void {
  const left = (counts.get(id) ?? 1) - 1;
  if (left <= 0) counts.delete(id);
  else counts.set(id, left);
}
