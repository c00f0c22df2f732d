import { createTenant, listTenants } from '../../tenancy/tenants.js';
import type { CliOptions } from '../main.js';
import { print, UsageError } from '../output.js';
import { withPlatform } from './context.js';

export async function tenantCommand([sub, slug]: string[], options: CliOptions): Promise<void> {
  if (sub === 'create') {
    if (!slug) throw new UsageError('usage: mosaic tenant create <slug> [--name text] [--json]');
    const { tenant, apiKey } = await withPlatform((p) =>
      createTenant(p.control.db, p.tenants, { slug, name: options.name }, 'cli'));
    print(options.json, { id: tenant.id, slug: tenant.slug, apiKey },
      `created tenant ${tenant.slug} (${tenant.id})\nadmin API key (shown once): ${apiKey}`);
    return;
  }
  if (sub === 'list') {
    const tenants = await withPlatform((p) => listTenants(p.control.db));
    print(options.json, { tenants: tenants.map((t) => ({ id: t.id, slug: t.slug, name: t.name, createdAt: t.createdAt.toISOString() })) },
      tenants.map((t) => `${t.slug}\t${t.id}\t${t.name}`).join('\n') || '(no tenants)');
    return;
  }
  throw new UsageError('usage: mosaic tenant create <slug> | mosaic tenant list');
}
