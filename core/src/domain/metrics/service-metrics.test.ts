import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantDatabases, type TenantDb } from '../../db/tenant-db.js';
import { cases, caseSlaTargets } from '../../db/tenant-schema.js';
import { AppError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { TenantContext } from '../../tenancy/context.js';
import { createAgent, createQueue } from '../agents.js';
import { createCase, nextCaseNumber, updateCase } from '../cases.js';
import { createCustomer } from '../customers.js';
import { addInteraction } from '../interactions.js';
import { rateCase, serviceMetrics, surveyOf } from './index.js';

const MIN = 60_000;
let dir: string;
let databases: TenantDatabases;
let data: TenantDb;
let admin: TenantContext;
let other: TenantContext;
let ann: string;
let bob: string;
let billing: string;
let carl: string;
let dora: string;

const at = (iso: string) => new Date(iso);
const plus = (d: Date, minutes: number) => new Date(d.getTime() + minutes * MIN);

/** A case created (and perhaps solved) at chosen times, answered by an agent `firstResponse` minutes in. */
async function seedCase(o: {
  created: Date; solved?: Date; channel?: 'EMAIL' | 'CHAT' | 'SOCIAL'; queueId?: string; assigneeId?: string;
  firstResponse?: number; customerId?: string;
}): Promise<string> {
  const id = newId();
  await data.write(async (tx) => {
    await tx.insert(cases).values({
      id, number: await nextCaseNumber(tx), customerId: o.customerId ?? carl, subject: 'Where is my parcel?', description: null,
      status: o.solved ? 'SOLVED' : 'OPEN', priority: 'NORMAL', channel: o.channel ?? 'EMAIL', queueId: o.queueId ?? null,
      assigneeId: o.assigneeId ?? null, createdAt: o.created, updatedAt: o.solved ?? o.created,
    });
  });
  const customerId = o.customerId ?? carl;
  await addInteraction(admin, { customerId, caseId: id, channel: o.channel ?? 'EMAIL', direction: 'INBOUND', body: 'Hello', occurredAt: o.created });
  if (o.firstResponse !== undefined) {
    await addInteraction(admin, {
      customerId, caseId: id, channel: o.channel ?? 'EMAIL', direction: 'OUTBOUND', body: 'On it', agentId: o.assigneeId ?? ann, occurredAt: plus(o.created, o.firstResponse),
    });
  }
  return id;
}

async function slaTarget(caseId: string, status: 'HIT' | 'MISSED', when: Date): Promise<void> {
  await data.write((tx) => tx.insert(caseSlaTargets).values({
    id: newId(), caseId, kind: 'FIRST_RESPONSE', cycle: 1, status, minutes: 60, businessHours: false, startedAt: plus(when, -30),
    hitAt: status === 'HIT' ? when : null, breachedAt: status === 'MISSED' ? when : null, completedAt: when, updatedAt: when,
  }));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mosaic-metrics-'));
  databases = new TenantDatabases({ kind: 'embedded', dataDir: dir });
  data = await databases.provision('44444444-4444-4444-8444-444444444444');
  admin = { tenantId: '44444444-4444-4444-8444-444444444444', tenantSlug: 'metrics', role: 'admin', actor: 'system', data };
  const otherData = await databases.provision('55555555-5555-4555-8555-555555555555');
  other = { tenantId: '55555555-5555-4555-8555-555555555555', tenantSlug: 'other', role: 'admin', actor: 'system', data: otherData };
  ann = (await createAgent(admin, { name: 'Ann', email: 'ann@example.com' })).id;
  bob = (await createAgent(admin, { name: 'Bob', email: 'bob@example.com' })).id;
  billing = (await createQueue(admin, { name: 'Billing' })).id;
  carl = (await createCustomer(admin, { name: 'Carl' })).id;
  dora = (await createCustomer(admin, { name: 'Dora' })).id;

  // Before the period: one case still open, one solved before it started.
  await seedCase({ created: at('2026-03-20T10:00:00Z') });
  await seedCase({ created: at('2026-03-20T11:00:00Z'), solved: at('2026-03-21T11:00:00Z') });
  // 28 March (Berlin, UTC+1): three cases answered after 10, 20 and 90 minutes; two solved the same day.
  const a = await seedCase({ created: at('2026-03-28T08:00:00Z'), firstResponse: 10, assigneeId: ann, queueId: billing, solved: at('2026-03-28T10:00:00Z') });
  const b = await seedCase({ created: at('2026-03-28T09:00:00Z'), firstResponse: 20, assigneeId: ann, channel: 'CHAT', solved: at('2026-03-28T13:00:00Z') });
  await seedCase({ created: at('2026-03-28T12:00:00Z'), firstResponse: 90, assigneeId: bob, queueId: billing });
  // 23:30 UTC on the 28th is already the 29th in Berlin; the clocks change that night (CET → CEST).
  const c = await seedCase({ created: at('2026-03-28T23:30:00Z'), channel: 'SOCIAL' });
  await slaTarget(a, 'HIT', at('2026-03-28T08:10:00Z'));
  await slaTarget(b, 'HIT', at('2026-03-28T09:20:00Z'));
  await slaTarget(c, 'MISSED', at('2026-03-29T09:00:00Z'));
  await rateCase(admin, { caseId: a, rating: 5, comment: 'Quick and kind' }, undefined, at('2026-03-28T11:00:00Z'));
  await rateCase(admin, { caseId: b, rating: 2 }, undefined, at('2026-03-28T14:00:00Z'));
});
afterAll(async () => {
  await databases.close();
  rmSync(dir, { recursive: true, force: true });
});

const PERIOD = { from: at('2026-03-27T23:00:00Z'), to: at('2026-03-30T22:00:00Z'), timeZone: 'Europe/Berlin' };

describe('serviceMetrics by day', () => {
  it('has a row per local day, across the DST change, with each case on its local date', async () => {
    const m = await serviceMetrics(admin, { ...PERIOD, groupBy: 'DAY' });
    expect(m.rows.map((r) => r.key)).toEqual(['2026-03-28', '2026-03-29', '2026-03-30']);
    // The 29th is 23 hours long in Berlin.
    const [d28, d29, d30] = m.rows as [typeof m.rows[0], typeof m.rows[0], typeof m.rows[0]];
    expect(d29.end.getTime() - d29.start.getTime()).toBe(23 * 60 * MIN);
    expect([d28.casesCreated, d29.casesCreated, d30.casesCreated]).toEqual([3, 1, 0]);
    expect([d28.casesSolved, d29.casesSolved]).toEqual([2, 0]);
  });

  it('takes medians and averages of first response and resolution in SQL', async () => {
    const [d28] = (await serviceMetrics(admin, { ...PERIOD, groupBy: 'DAY' })).rows;
    expect(d28!.firstResponses).toBe(3);
    expect(d28!.firstResponseMedianMinutes).toBe(20);
    expect(d28!.firstResponseAverageMinutes).toBe(40);
    // Solved after 120 and 240 minutes: the median of two is their mean.
    expect(d28!.resolutionMedianMinutes).toBe(180);
    expect(d28!.resolutionAverageMinutes).toBe(180);
  });

  it('counts the backlog forward from the cases open before the period', async () => {
    const rows = (await serviceMetrics(admin, { ...PERIOD, groupBy: 'DAY' })).rows;
    // One open from before; +3 −2 on the 28th; +1 on the 29th.
    expect(rows.map((r) => r.backlog)).toEqual([2, 3, 3]);
  });

  it('reports SLA hit rate, inbound messages and CSAT per day, and totals for the period', async () => {
    const m = await serviceMetrics(admin, { ...PERIOD, groupBy: 'DAY' });
    const [d28, d29] = m.rows;
    expect([d28!.slaTargetsHit, d28!.slaTargetsMissed, d28!.slaHitRate]).toEqual([2, 0, 1]);
    expect([d29!.slaTargetsHit, d29!.slaTargetsMissed, d29!.slaHitRate]).toEqual([0, 1, 0]);
    expect(d28!.inboundInteractions).toBe(3);
    expect([d28!.csatResponses, d28!.csatAverage, d28!.csatSatisfiedShare]).toEqual([2, 3.5, 0.5]);
    expect(m.rows[2]!.csatAverage).toBeNull();
    expect(m.totals).toMatchObject({ key: 'TOTAL', casesCreated: 4, casesSolved: 2, backlog: 3, slaTargetsHit: 2, slaTargetsMissed: 1, inboundInteractions: 4, csatResponses: 2 });
    expect(m.totals.slaHitRate).toBeCloseTo(2 / 3);
    expect(m.deflection).toMatchObject({ events: 0, rate: null });
  });
});

describe('serviceMetrics by dimension', () => {
  it('groups by agent and queue with their names, unassigned and no queue included', async () => {
    const byAgent = (await serviceMetrics(admin, { ...PERIOD, groupBy: 'AGENT' })).rows;
    expect(byAgent.map((r) => [r.label, r.casesCreated, r.firstResponseMedianMinutes])).toEqual([
      ['Ann', 2, 15], ['Bob', 1, 90], ['Unassigned', 1, null],
    ]);
    const byQueue = (await serviceMetrics(admin, { ...PERIOD, groupBy: 'QUEUE' })).rows;
    expect(byQueue.map((r) => [r.key === billing ? 'billing' : r.key, r.label, r.casesCreated])).toEqual([
      ['billing', 'Billing', 2], ['', 'No queue', 2],
    ]);
  });

  it('shows the inbound channel mix and the backlog at the end of the period per channel', async () => {
    const byChannel = new Map((await serviceMetrics(admin, { ...PERIOD, groupBy: 'CHANNEL' })).rows.map((r) => [r.key, r]));
    expect(byChannel.get('EMAIL')).toMatchObject({ inboundInteractions: 2, casesCreated: 2, backlog: 2 });
    expect(byChannel.get('CHAT')).toMatchObject({ inboundInteractions: 1, casesCreated: 1, backlog: 0 });
    expect(byChannel.get('SOCIAL')).toMatchObject({ inboundInteractions: 1, casesCreated: 1, backlog: 1 });
  });
});

describe('serviceMetrics input and rights', () => {
  const code = async (call: Promise<unknown>) => {
    try {
      await call;
    } catch (error) {
      return (error as AppError).code;
    }
    return 'no error';
  };

  it('refuses agents and read-only keys, long or reversed periods and unknown time zones', async () => {
    expect(await code(serviceMetrics({ ...admin, role: 'agent' }, PERIOD))).toBe('FORBIDDEN');
    expect(await code(serviceMetrics(admin, { ...PERIOD, to: at('2027-06-01T00:00:00Z') }))).toBe('BAD_USER_INPUT');
    expect(await code(serviceMetrics(admin, { ...PERIOD, to: PERIOD.from }))).toBe('BAD_USER_INPUT');
    expect(await code(serviceMetrics(admin, { ...PERIOD, timeZone: 'Mars/Olympus' }))).toBe('BAD_USER_INPUT');
    expect(await code(serviceMetrics(admin, { ...PERIOD, timeZone: "Europe/Berlin'; drop table cases;--" }))).toBe('BAD_USER_INPUT');
    expect(await code(serviceMetrics(admin, { ...PERIOD, groupBy: 'YEAR' }))).toBe('BAD_USER_INPUT');
  });

  it('sees only its own tenant', async () => {
    const m = await serviceMetrics(other, { ...PERIOD, groupBy: 'DAY' });
    expect(m.totals).toMatchObject({ casesCreated: 0, backlog: 0, inboundInteractions: 0 });
  });
});

describe('rateCase', () => {
  it('takes one rating per solved case, from its own customer when given', async () => {
    const open = await createCase(admin, { customerId: dora, subject: 'Refund' });
    await expect(rateCase(admin, { caseId: open.id, rating: 4 })).rejects.toMatchObject({ code: 'CONFLICT' });
    await updateCase(admin, open.id, { status: 'SOLVED' });
    await expect(rateCase(admin, { caseId: open.id, rating: 4 }, carl)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(rateCase(admin, { caseId: open.id, rating: 6 }, dora)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await rateCase(admin, { caseId: open.id, rating: 4, comment: '  ' }, dora);
    await expect(rateCase(admin, { caseId: open.id, rating: 1 }, dora)).rejects.toMatchObject({ code: 'ALREADY_RATED' });
    expect(await surveyOf(admin, open.id)).toMatchObject({ rating: 4, comment: null, customerId: dora });
    await expect(rateCase({ ...admin, role: 'integrator' }, { caseId: open.id, rating: 4 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('cases.solved_at', () => {
  it('is set when a case is solved by any write path, kept when closed, cleared when reopened', async () => {
    const kase = await createCase(admin, { customerId: carl, subject: 'Broken lid' });
    const solvedAt = async () => (await data.db.select({ s: cases.solvedAt }).from(cases).where(eq(cases.id, kase.id)))[0]!.s;
    expect(await solvedAt()).toBeNull();
    const solved = await updateCase(admin, kase.id, { status: 'SOLVED' });
    expect(await solvedAt()).toEqual(solved.updatedAt);
    await updateCase(admin, kase.id, { status: 'CLOSED' });
    expect(await solvedAt()).toEqual(solved.updatedAt);
    await updateCase(admin, kase.id, { status: 'OPEN' });
    expect(await solvedAt()).toBeNull();
    // A raw status change (an import, a macro's own update) is recorded just the same.
    await data.write((tx) => tx.update(cases).set({ status: 'SOLVED', updatedAt: at('2026-04-01T00:00:00Z') }).where(eq(cases.id, kase.id)));
    expect(await solvedAt()).toEqual(at('2026-04-01T00:00:00Z'));
  });
});
