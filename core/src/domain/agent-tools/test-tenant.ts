import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TenantDatabases } from '../../db/tenant-db.js';
import { randomUUID } from 'node:crypto';
import type { TenantContext } from '../../tenancy/context.js';
import { createAgent } from '../agents.js';
import { createCase } from '../cases.js';
import { createCustomer } from '../customers.js';

/** Real embedded tenant databases in a temporary folder, for the domain tests of this folder. */
export class TestTenants {
  readonly dir = mkdtempSync(join(tmpdir(), 'mosaic-agent-tools-'));
  readonly databases = new TenantDatabases({ kind: 'embedded', dataDir: this.dir });

  /** A new tenant and an admin context on it. */
  async tenant(slug: string): Promise<TenantContext> {
    const tenantId = randomUUID();
    const data = await this.databases.provision(tenantId);
    return { tenantId, tenantSlug: slug, role: 'admin', actor: 'system', agentId: null, data };
  }

  async close(): Promise<void> {
    await this.databases.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The same tenant, acting as an agent key tied to `agentId`. */
export const asAgent = (ctx: TenantContext, agentId: string): TenantContext => ({ ...ctx, role: 'agent', actor: `key-${agentId}`, agentId });

/** A customer with a case and two agents in the tenant. */
export async function caseWorld(ctx: TenantContext, tag = '') {
  const customer = await createCustomer(ctx, { name: `Ada Lovelace${tag}`, email: `ada${tag}@example.com` });
  const ana = await createAgent(ctx, { name: 'Ana', email: `ana${tag}@support.example` });
  const bo = await createAgent(ctx, { name: 'Bo', email: `bo${tag}@support.example` });
  const kase = await createCase(ctx, { customerId: customer.id, subject: 'Parcel late', channel: 'EMAIL' });
  return { customer, ana, bo, kase };
}
