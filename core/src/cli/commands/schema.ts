import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { printSchema } from 'graphql';
import { AppError } from '../../lib/errors.js';
import { requireTenantBySlug } from '../../tenancy/tenants.js';
import type { CliOptions } from '../main.js';
import { print, UsageError } from '../output.js';
import { withPlatform } from './context.js';

const USAGE = 'usage: mosaic schema print --tenant <slug> [--out file] [--json]';

/**
 * The SDL of a tenant's schema exactly as its API serves it (core plus the plugins it has
 * installed), for code generators that cannot or may not introspect.
 */
export async function schemaCommand([sub]: string[], options: CliOptions): Promise<void> {
  const slug = options.tenant;
  if (sub !== 'print' || !slug) throw new UsageError(USAGE);
  const sdl = await withPlatform(async (p) => {
    const tenant = await requireTenantBySlug(p.control.db, slug);
    // The same composition the server runs per request; only the tenant's id matters to it.
    const schema = await p.plugins.schemaFor({
      tenantId: tenant.id, tenantSlug: tenant.slug, role: 'admin', actor: 'cli', data: await p.tenants.get(tenant.id),
    });
    return `${printSchema(schema)}\n`;
  });
  if (options.out === undefined) {
    if (options.json) print(true, { tenant: slug, sdl }, '');
    else process.stdout.write(sdl);
    return;
  }
  const out = resolve(options.out);
  await writeFile(out, sdl).catch((err: NodeJS.ErrnoException) => {
    throw new AppError('BAD_USER_INPUT', `cannot write --out: ${err.message}`);
  });
  print(options.json, { tenant: slug, out, bytes: Buffer.byteLength(sdl) }, `wrote the schema of ${slug} to ${out}`);
}
