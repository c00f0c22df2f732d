import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { ControlDb } from '../db/control.js';
import { tenants } from '../db/control-schema.js';
import type { TenantDatabases } from '../db/tenant-db.js';
import { AppError, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { parseInput } from '../lib/validate.js';
import { createApiKey } from './api-keys.js';
import { recordAudit } from './audit.js';

export const tenantSlugSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,38}[a-z0-9]$/, 'a slug is 3–40 lowercase letters, digits and dashes, starting with a letter');

const createTenantInput = z.object({
  slug: tenantSlugSchema,
  name: z.string().trim().min(1).max(200).optional(),
});

export type Tenant = typeof tenants.$inferSelect;

/**
 * Creates a tenant, its database (migrated), and a first admin key. If provisioning fails the
 * tenant row is removed again, so a half-made tenant is never left behind.
 */
export async function createTenant(
  control: ControlDb,
  databases: TenantDatabases,
  raw: { slug: string; name?: string },
  actor = 'cli',
): Promise<{ tenant: Tenant; apiKey: string }> {
  const input = parseInput(createTenantInput, raw);
  const existing = await findTenantBySlug(control, input.slug);
  if (existing) throw new AppError('CONFLICT', `tenant "${input.slug}" already exists`);
  const tenant: Tenant = { id: newId(), slug: input.slug, name: input.name ?? input.slug, createdAt: new Date() };
  await control.insert(tenants).values(tenant);
  try {
    await databases.provision(tenant.id);
    const key = await createApiKey(control, { tenantId: tenant.id, role: 'admin', label: 'initial admin key' });
    await recordAudit(control, { tenantId: tenant.id, actor, action: 'tenant.create', target: tenant.slug });
    return { tenant, apiKey: key.apiKey };
  } catch (err) {
    await control.delete(tenants).where(eq(tenants.id, tenant.id));
    throw err;
  }
}

export async function findTenantBySlug(control: ControlDb, slug: string): Promise<Tenant | undefined> {
  const rows = await control.select().from(tenants).where(eq(tenants.slug, slug)).limit(1);
  return rows[0];
}

export async function requireTenantBySlug(control: ControlDb, slug: string): Promise<Tenant> {
  const tenant = await findTenantBySlug(control, slug);
  if (!tenant) throw notFound(`tenant "${slug}"`);
  return tenant;
}

export function listTenants(control: ControlDb): Promise<Tenant[]> {
  return control.select().from(tenants).orderBy(asc(tenants.createdAt));
}
