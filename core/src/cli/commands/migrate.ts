import { listTenants } from '../../tenancy/tenants.js';
import type { CliOptions } from '../main.js';
import { print } from '../output.js';
import { withPlatform } from './context.js';

/** Opening a database migrates it; this opens the control plane and every tenant's. */
export async function migrateCommand(_: string[], options: CliOptions): Promise<void> {
  const count = await withPlatform(async (p) => {
    const tenants = await listTenants(p.control.db);
    for (const t of tenants) await p.tenants.provision(t.id);
    return tenants.length;
  });
  print(options.json, { tenantsMigrated: count }, `control plane and ${count} tenant database(s) are up to date`);
}
