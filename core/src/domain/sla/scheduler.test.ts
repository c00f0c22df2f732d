import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openControlPlane, type ControlPlane } from '../../db/control.js';
import { TenantDatabases } from '../../db/tenant-db.js';
import { outbox } from '../../db/tenant-schema.js';
import { createLogger } from '../../lib/logger.js';
import type { TenantContext } from '../../tenancy/context.js';
import { createTenant } from '../../tenancy/tenants.js';
import { createCase } from '../cases.js';
import { createCustomer } from '../customers.js';
import { createSlaPolicy, DEMO_SLA_POLICY, listSlaCalendars, listSlaPolicies, seedDemoSla, startSlaSweeps, caseSlaTargetsOf } from './index.js';

let dir: string;
let control: ControlPlane;
let databases: TenantDatabases;
const contexts: TenantContext[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mosaic-sla-sweeps-'));
  const database = { kind: 'embedded' as const, dataDir: dir };
  control = await openControlPlane(database);
  databases = new TenantDatabases(database);
  for (const slug of ['sweep-a', 'sweep-b']) {
    const { tenant } = await createTenant(control.db, databases, { slug });
    contexts.push({ tenantId: tenant.id, tenantSlug: slug, role: 'admin', actor: 'system', data: await databases.get(tenant.id) });
  }
});
afterAll(async () => {
  await databases.close();
  control.client.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('periodic SLA sweeps', () => {
  it('sweep every tenant at the injected time, each breach announced once', async () => {
    const made = [];
    for (const ctx of contexts) {
      await createSlaPolicy(ctx, { name: 'Quick', targets: [{ kind: 'FIRST_RESPONSE', minutes: 5, businessHours: false }] });
      const customer = await createCustomer(ctx, { name: 'Kim' });
      made.push(await createCase(ctx, { customerId: customer.id, subject: 'Help' }));
    }
    let now = Date.now();
    const sweeps = startSlaSweeps({ control: control.db, tenants: databases, logger: createLogger('silent'), intervalMs: 3_600_000, clock: () => now });
    try {
      await sweeps.sweepAll();
      now += 10 * 60_000;
      await Promise.all([sweeps.sweepAll(), sweeps.sweepAll()]);
      await sweeps.sweepAll();
    } finally {
      await sweeps.stop();
    }
    for (const [i, ctx] of contexts.entries()) {
      const breached = await ctx.data.db.select().from(outbox).where(eq(outbox.type, 'sla.breached'));
      expect(breached.map((e) => e.subjectId)).toEqual([made[i]!.id]);
    }
  });
});

describe('the demo’s service levels', () => {
  it('adds a support calendar and the social-complaints policy once, and starts clocks on open social cases', async () => {
    const [ctx] = contexts as [TenantContext];
    const customer = await createCustomer(ctx, { name: 'Sam' });
    const before = await createCase(ctx, { customerId: customer.id, subject: 'Your product broke', channel: 'SOCIAL' });
    const policy = await seedDemoSla(ctx);
    expect(policy).toMatchObject({ name: DEMO_SLA_POLICY, position: 1, conditions: { channels: ['SOCIAL'] } });
    expect(await seedDemoSla(ctx)).toBeNull();
    expect((await listSlaPolicies(ctx)).filter((p) => p.name === DEMO_SLA_POLICY)).toHaveLength(1);
    expect((await listSlaCalendars(ctx)).map((c) => c.timeZone)).toEqual(['Europe/Berlin']);

    const after = await createCase(ctx, { customerId: customer.id, subject: 'Still broken', channel: 'SOCIAL' });
    const email = await createCase(ctx, { customerId: customer.id, subject: 'By mail', channel: 'EMAIL' });
    const clocks = await caseSlaTargetsOf(ctx, [before.id, after.id, email.id]);
    for (const kase of [before, after]) {
      const resolution = clocks.get(kase.id)!.find((t) => t.kind === 'RESOLUTION')!;
      // Answered within a day: 24 hours from the case's creation.
      expect(resolution).toMatchObject({ policyId: policy!.id, businessHours: false, dueAt: new Date(kase.createdAt.getTime() + 24 * 3_600_000) });
      expect(clocks.get(kase.id)!.find((t) => t.kind === 'FIRST_RESPONSE')).toMatchObject({ businessHours: true, minutes: 60 });
    }
    // The email case falls to the tenant's other policy, not the social one.
    expect(clocks.get(email.id)!.every((t) => t.policyId !== policy!.id)).toBe(true);
  });
});
