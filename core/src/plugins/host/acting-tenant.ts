import type { TenantContext } from '../../tenancy/context.js';

/**
 * The TenantContext a plugin acts under: agent rights (it may change customer-service data, never
 * workforce or configuration), attributed to `plugin:<pluginId>` — in the outbox's actor column
 * too, so the dispatcher never hands a plugin the events it caused itself.
 */
export function actingTenant(tenant: TenantContext, pluginId: string): TenantContext {
  return { ...tenant, role: 'agent', actor: `plugin:${pluginId}` };
}
