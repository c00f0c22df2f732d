import { ROLES, type Role } from '../../db/control-schema.js';
import { agents } from '../../db/tenant-schema.js';
import { requireRow } from '../../domain/rows.js';
import { AppError } from '../../lib/errors.js';
import { localId } from '../../lib/ids.js';
import { createApiKey, revokeApiKey } from '../../tenancy/api-keys.js';
import { recordAudit } from '../../tenancy/audit.js';
import { requireTenantBySlug } from '../../tenancy/tenants.js';
import type { CliOptions } from '../main.js';
import { print, UsageError } from '../output.js';
import { withPlatform } from './context.js';

const isRole = (r: string | undefined): r is Role => (ROLES as readonly string[]).includes(r ?? '');

export async function apikeyCommand([sub, keyId]: string[], options: CliOptions): Promise<void> {
  const slug = options.tenant;
  if (sub === 'create') {
    if (!slug || !isRole(options.role)) {
      throw new UsageError(`usage: mosaic apikey create --tenant <slug> --role ${ROLES.join('|')} [--agent <agent id>] [--label text] [--json]`);
    }
    const role = options.role;
    const key = await withPlatform(async (p) => {
      const tenant = await requireTenantBySlug(p.control.db, slug);
      // The agent must exist in this tenant; a foreign or made-up id is NOT_FOUND like anywhere else.
      const agentId = options.agent === undefined
        ? undefined
        : (await requireRow((await p.tenants.get(tenant.id)).db, agents, localId('Agent', options.agent), 'Agent')).id;
      const created = await createApiKey(p.control.db, { tenantId: tenant.id, role, label: options.label, agentId });
      await recordAudit(p.control.db, { tenantId: tenant.id, actor: 'cli', action: 'apikey.create', target: created.id, detail: { role, agentId } });
      return created;
    });
    const agent = options.agent ? { agent: options.agent } : {};
    print(options.json, { id: key.id, tenant: slug, role, ...agent, apiKey: key.apiKey }, `${role} API key for ${slug} (shown once): ${key.apiKey}`);
    return;
  }
  if (sub === 'revoke') {
    if (!slug || !keyId) throw new UsageError('usage: mosaic apikey revoke <key-id> --tenant <slug>');
    await withPlatform(async (p) => {
      const tenant = await requireTenantBySlug(p.control.db, slug);
      if (!(await revokeApiKey(p.control.db, tenant.id, keyId))) throw new AppError('NOT_FOUND', `no active key ${keyId} for tenant ${slug}`);
      await recordAudit(p.control.db, { tenantId: tenant.id, actor: 'cli', action: 'apikey.revoke', target: keyId });
    });
    print(options.json, { id: keyId, revoked: true }, `revoked ${keyId}`);
    return;
  }
  throw new UsageError('usage: mosaic apikey create|revoke ...');
}
