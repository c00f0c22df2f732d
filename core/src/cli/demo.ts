import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asc } from 'drizzle-orm';
import { agents } from '../db/tenant-schema.js';
import type { Platform } from '../platform.js';
import { seedTenant } from '../seed/index.js';
import { createApiKey } from '../tenancy/api-keys.js';
import { createTenant, listTenants } from '../tenancy/tenants.js';
import { progressReporter } from './progress.js';

export interface DemoCredentials {
  tenant: string;
  keys: { admin: string; agent: string; integrator: string };
}

const DEMO_SLUG = 'demo';
const DEMO_CUSTOMERS = 500;

/**
 * On a platform with no tenants yet, creates the `demo` tenant with sample data and one key per
 * role, so a newcomer has something to query. The keys are also written (owner-only) to the data
 * folder, since they are shown only once.
 */
export async function bootstrapDemo(platform: Platform): Promise<DemoCredentials | null> {
  if ((await listTenants(platform.control.db)).length > 0) return null;
  const { tenant, apiKey } = await createTenant(platform.control.db, platform.tenants, { slug: DEMO_SLUG, name: 'Demo Outfitters' }, 'bootstrap');
  await seedTenant(await platform.tenants.get(tenant.id), {
    customers: DEMO_CUSTOMERS,
    seed: 42,
    onProgress: progressReporter('seeding demo tenant'),
  });
  // The demo agent key speaks for the first seeded agent, so it can set that agent's presence.
  const [firstAgent] = await (await platform.tenants.get(tenant.id)).db.select({ id: agents.id }).from(agents)
    .orderBy(asc(agents.createdAt), asc(agents.id)).limit(1);
  const agent = await createApiKey(platform.control.db, { tenantId: tenant.id, role: 'agent', label: 'demo agent', agentId: firstAgent?.id });
  const integrator = await createApiKey(platform.control.db, { tenantId: tenant.id, role: 'integrator', label: 'demo integrator' });
  const credentials: DemoCredentials = { tenant: DEMO_SLUG, keys: { admin: apiKey, agent: agent.apiKey, integrator: integrator.apiKey } };
  if (platform.config.database.kind === 'embedded') {
    writeFileSync(join(platform.config.database.dataDir, 'demo-credentials.json'), `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  }
  return credentials;
}
