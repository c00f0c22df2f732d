import { eq } from 'drizzle-orm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openControlPlane } from '../../db/control.js';
import { TenantDatabases } from '../../db/tenant-db.js';
import { interactions } from '../../db/tenant-schema.js';
import { createLogger } from '../../lib/logger.js';
import type { TenantContext } from '../../tenancy/context.js';
import { createTenant } from '../../tenancy/tenants.js';
import { startSlaSweeps } from '../sla/index.js';
import { scheduleReply } from './scheduled-replies.js';
import { caseWorld } from './test-tenant.js';

const dir = mkdtempSync(join(tmpdir(), 'mosaic-reply-sweep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the periodic sweep', () => {
  it('sends a due scheduled reply of every tenant once, at the injected time', async () => {
    const database = { kind: 'embedded' as const, dataDir: dir };
    const control = await openControlPlane(database);
    const databases = new TenantDatabases(database);
    try {
      let now = Date.parse('2026-05-04T10:00:00Z');
      const worlds: { ctx: TenantContext; w: Awaited<ReturnType<typeof caseWorld>> }[] = [];
      for (const slug of ['reply-a', 'reply-b']) {
        const { tenant } = await createTenant(control.db, databases, { slug });
        const ctx = { tenantId: tenant.id, tenantSlug: slug, role: 'admin' as const, actor: 'system', data: await databases.get(tenant.id) };
        const w = await caseWorld(ctx);
        await scheduleReply(ctx, { caseId: w.kase.id, body: `later for ${slug}`, sendAt: new Date(now + 5 * 60_000) }, { now: new Date(now) });
        worlds.push({ ctx, w });
      }
      const sweeps = startSlaSweeps({ control: control.db, tenants: databases, logger: createLogger('silent'), intervalMs: 3_600_000, clock: () => now });
      const sentBodies = async (i: number) => (await worlds[i]!.ctx.data.db.select().from(interactions).where(eq(interactions.caseId, worlds[i]!.w.kase.id))).map((r) => r.body);
      try {
        await sweeps.sweepAll();
        expect(await sentBodies(0)).toEqual([]);
        now += 6 * 60_000;
        await Promise.all([sweeps.sweepAll(), sweeps.sweepAll()]);
        await sweeps.sweepAll();
      } finally {
        await sweeps.stop();
      }
      expect(await sentBodies(0)).toEqual(['later for reply-a']);
      expect(await sentBodies(1)).toEqual(['later for reply-b']);
    } finally {
      await databases.close();
      control.client.close();
    }
  });
});
