import type { Context } from 'hono';
import { portalCustomer, type PortalCustomer, type PortalTenant } from '../../domain/portal-customer.js';
import type { WidgetPageEnv } from '../widget-slot.js';

/** The hono environment of portal routes: the page's view and the web session (as for any page with widgets). */
export type PortalEnv = WidgetPageEnv;
export type PortalContext = Context<PortalEnv>;

/** The tenant of the request, for what any visitor may see. */
export function portalTenantOf(c: PortalContext): PortalTenant {
  const { id, slug, data } = c.var.webTenant;
  return { tenantId: id, tenantSlug: slug, data };
}

/** The signed-in customer (after `requireWebUser('customer')`). */
export const customerOf = (c: PortalContext): PortalCustomer => portalCustomer(portalTenantOf(c), c.var.webUser!);

/** The signed-in customer, or null for a visitor (or a staff account, which the portal treats as one). */
export const customerOrNull = (c: PortalContext): PortalCustomer | null =>
  c.var.webUser?.role === 'customer' ? customerOf(c) : null;

/** `/t/<slug>/portal`, the base of every portal link. */
export const portalBase = (c: PortalContext) => `/t/${c.var.webTenant.slug}/portal`;

/** A form's text fields (files and repeated fields ignored), for re-rendering what was typed. */
export async function formFields(c: PortalContext): Promise<Record<string, string>> {
  const body = await c.req.parseBody().catch(() => ({} as Record<string, unknown>));
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string' && k !== '_csrf') fields[k] = v;
  return fields;
}

/** Where to go after signing in: a portal path of this tenant only, else the portal home. */
export function safeNext(c: PortalContext, next: string | undefined): string {
  const base = portalBase(c);
  if (!next || !(next === base || next.startsWith(`${base}/`) || next.startsWith(`${base}?`))) return base;
  if (!/^\/[A-Za-z0-9\-._~/?=&%]*$/.test(next) || next.includes('//') || next.split(/[/?]/).includes('..')) return base;
  return next;
}
