import type { TenantDb } from '../db/tenant-db.js';
import { AppError } from '../lib/errors.js';
import type { TenantContext } from '../tenancy/context.js';

/**
 * A customer signed in to the portal, as the portal use-cases take them: every portal read and
 * write is narrowed to this customer's own records, and a record of anyone else answers
 * NOT_FOUND exactly like a missing one.
 */
export interface PortalCustomer {
  readonly tenantId: string;
  readonly tenantSlug: string;
  readonly data: TenantDb;
  /** The web user signed in (recorded as `web:<id>` on what they write). */
  readonly userId: string;
  /** The customers row the web user belongs to. */
  readonly customerId: string;
}

/** The tenant a portal visitor (signed in or not) looks at. */
export interface PortalTenant {
  readonly tenantId: string;
  readonly tenantSlug: string;
  readonly data: TenantDb;
}

/** A portal customer from a signed-in web user; FORBIDDEN for staff accounts (they use the console). */
export function portalCustomer(tenant: PortalTenant, user: { id: string; role: string; customerId: string | null }): PortalCustomer {
  if (user.role !== 'customer' || !user.customerId) throw new AppError('FORBIDDEN', 'the portal is for customer accounts');
  return { ...tenant, userId: user.id, customerId: user.customerId };
}

/**
 * The domain context the portal use-cases call the shared use-cases with. The domain has no
 * customer role: writes run with agent rights, which is safe only because every portal use-case
 * fixes the customer and checks ownership before it calls one. Never hand it to a page.
 */
export function actingFor(customer: PortalCustomer): TenantContext {
  return { tenantId: customer.tenantId, tenantSlug: customer.tenantSlug, role: 'agent', actor: `web:${customer.userId}`, agentId: null, data: customer.data };
}

/** A read-only domain context for what the portal shows to anyone (published articles, forums). */
export function readingFor(tenant: PortalTenant): TenantContext {
  return { tenantId: tenant.tenantId, tenantSlug: tenant.tenantSlug, role: 'integrator', actor: 'web:visitor', agentId: null, data: tenant.data };
}
