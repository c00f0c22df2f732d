import type { Context, MiddlewareHandler } from 'hono';
import type { Platform } from '../platform.js';
import { findTenantBySlug, tenantSlugSchema } from '../tenancy/tenants.js';
import { pageBranding, readBranding } from '../tenancy/web-settings.js';
import type { Branding } from './branding.js';
import { buildView } from './build-view.js';
import type { WebTenant } from './view.js';
import type { WebEnv } from './web-env.js';

/** The branding of a tenant's pages: what its admin saved, else Mosaic's default look. */
export async function loadBranding(platform: Platform, tenant: WebTenant): Promise<Branding> {
  return pageBranding(await readBranding(await platform.tenants.get(tenant.id)), tenant.name);
}

/**
 * Resolves `/t/:tenant/...` to the tenant and builds the page's view with its branding and
 * languages. An unknown or malformed slug is the same HTML 404 as any missing page: whether a
 * tenant exists is not told apart from a mistyped address.
 */
export function tenantPages(platform: Platform, notFound: (c: Context<WebEnv>) => Promise<Response>): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const slug = tenantSlugSchema.safeParse(c.req.param('tenant'));
    const row = slug.success ? await findTenantBySlug(platform.control.db, slug.data) : undefined;
    if (!row) return notFound(c);
    const tenant: WebTenant = { id: row.id, slug: row.slug, name: row.name };
    c.set('view', buildView(c, { tenant, branding: await loadBranding(platform, tenant) }));
    await next();
  };
}
