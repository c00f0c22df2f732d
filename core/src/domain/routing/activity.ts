/**
 * Tenants this process saw configure routing since the sweeper last looked, so it sweeps them
 * from its next tick instead of waiting for its rescan of every tenant.
 */
const configuredHere = new Set<string>();

/** Called after a queue's routing configuration commits. */
export function routingConfigured(tenantId: string): void {
  configuredHere.add(tenantId);
}

/** The tenants configured since the last call (and forgets them). */
export function takeConfiguredTenants(): string[] {
  const ids = [...configuredHere];
  configuredHere.clear();
  return ids;
}
