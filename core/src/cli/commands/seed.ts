import { seedTenant } from '../../seed/index.js';
import { createTenant, findTenantBySlug } from '../../tenancy/tenants.js';
import type { CliOptions } from '../main.js';
import { print } from '../output.js';
import { progressReporter } from '../progress.js';
import { countOption, withPlatform } from './context.js';

/** Fills a tenant (created if missing) with generated customer-service data. */
export async function seedCommand(_: string[], options: CliOptions): Promise<void> {
  const slug = options.tenant ?? 'demo';
  const customers = countOption(options.customers, 'customers', 1000);
  const interactionsPerCustomer = countOption(options['interactions-per-customer'], 'interactions-per-customer', 10);
  const seed = options.seed === undefined ? undefined : countOption(options.seed, 'seed', 1);
  const result = await withPlatform(async (p) => {
    const tenant = (await findTenantBySlug(p.control.db, slug)) ?? (await createTenant(p.control.db, p.tenants, { slug }, 'cli')).tenant;
    const data = await p.tenants.get(tenant.id);
    return seedTenant(data, { customers, interactionsPerCustomer, seed, onProgress: progressReporter(`seed ${slug}`) });
  });
  print(options.json, { tenant: slug, ...result },
    `seeded ${slug}: ${result.customers} customers, ${result.interactions} interactions, ${result.cases} cases, ` +
    `${result.orders} orders in ${(result.elapsedMs / 1000).toFixed(1)}s`);
}
