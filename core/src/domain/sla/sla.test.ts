import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TenantDatabases, type TenantDb } from '../../db/tenant-db.js';
import { cases, caseSlaTargets, outbox, slaEscalations, slaPolicies } from '../../db/tenant-schema.js';
import { AppError } from '../../lib/errors.js';
import { toGlobalId } from '../../lib/ids.js';
import { publicIds } from '../../plugins/events/public-ids.js';
import type { TenantContext } from '../../tenancy/context.js';
import { createAccount } from '../accounts.js';
import { changeCaseTx, recordReplyTx } from '../agent-tools/case-writes.js';
import { createAgent, createQueue } from '../agents.js';
import { getWorkItem } from '../routing/router.js';
import { createCase, updateCase, type Case } from '../cases.js';
import { createCustomer } from '../customers.js';
import { addInteraction } from '../interactions.js';
import { agentReplyOnCase } from './targets.js';
import {
  addBusinessTime, caseSlaTargetsOf, createSlaCalendar, createSlaPolicy, deleteSlaCalendar, slaOnCaseUpdated, slaOutcomes, slaTargetsDue, slaTick,
  updateSlaPolicy, type CaseSlaTarget,
} from './index.js';

const MIN = 60_000;
let dir: string;
let databases: TenantDatabases;
let data: TenantDb;
let admin: TenantContext;
let agentId: string;
let supervisorId: string;
let customerId: string;
let goldCustomerId: string;

const at = (base: Date, minutes: number) => new Date(base.getTime() + minutes * MIN);

async function clocks(caseId: string): Promise<Record<string, CaseSlaTarget>> {
  const list = (await caseSlaTargetsOf(admin, [caseId])).get(caseId) ?? [];
  return Object.fromEntries(list.map((t) => [t.kind, t]));
}
const events = (type: string, caseId?: string) => data.db.select().from(outbox)
  .where(caseId ? and(eq(outbox.type, type), eq(outbox.subjectId, caseId)) : eq(outbox.type, type));

/** What `updateCase` does, at a chosen moment: the same row change and the same SLA hook in one transaction. */
async function changeCase(id: string, changes: Partial<Case>, when: Date): Promise<void> {
  await data.write(async (tx) => {
    const before = (await tx.select().from(cases).where(eq(cases.id, id)).get())!;
    const after = { ...before, ...changes, updatedAt: when };
    await tx.update(cases).set(after).where(eq(cases.id, id));
    await slaOnCaseUpdated(tx, before, after);
  });
}

const reply = (kase: Case, when: Date) =>
  addInteraction(admin, { customerId: kase.customerId, caseId: kase.id, channel: 'EMAIL', direction: 'OUTBOUND', body: 'On it', agentId, occurredAt: when });
const customerWrites = (kase: Case, when: Date) =>
  addInteraction(admin, { customerId: kase.customerId, caseId: kase.id, channel: 'EMAIL', direction: 'INBOUND', body: 'Any news?', occurredAt: when });

/** Only this test's policies: each test sets up the policies it needs. */
async function onlyPolicies(...inputs: Record<string, unknown>[]) {
  await data.write((tx) => tx.delete(slaPolicies));
  const made = [];
  for (const input of inputs) made.push(await createSlaPolicy(admin, input));
  return made;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mosaic-sla-'));
  databases = new TenantDatabases({ kind: 'embedded', dataDir: dir });
  const tenantId = '33333333-3333-4333-8333-333333333333';
  data = await databases.provision(tenantId);
  admin = { tenantId, tenantSlug: 'sla', role: 'admin', actor: 'system', data };
  agentId = (await createAgent(admin, { name: 'Ann', email: 'ann@example.com' })).id;
  supervisorId = (await createAgent(admin, { name: 'Sue', email: 'sue@example.com' })).id;
  customerId = (await createCustomer(admin, { name: 'Carl' })).id;
  const gold = await createAccount(admin, { name: 'Goldco', tier: 'gold' });
  goldCustomerId = (await createCustomer(admin, { name: 'Gina', accountId: gold.id })).id;
});
afterAll(async () => {
  await databases.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('policy matching', () => {
  let urgent: string;
  let goldTier: string;
  let social: string;
  let fallback: string;
  let billing: string;
  beforeAll(async () => {
    billing = (await createQueue(admin, { name: 'Billing' })).id;
  });
  beforeEach(async () => {
    [urgent, goldTier, social, fallback] = (await onlyPolicies(
      { name: 'Urgent', conditions: { priorities: ['URGENT'] }, targets: [{ kind: 'FIRST_RESPONSE', minutes: 15, businessHours: false }] },
      { name: 'Gold', conditions: { tiers: ['gold'] }, targets: [{ kind: 'FIRST_RESPONSE', minutes: 30, businessHours: false }] },
      { name: 'Social billing', conditions: { channels: ['SOCIAL'], queueIds: [billing] }, targets: [{ kind: 'RESOLUTION', minutes: 600, businessHours: false }] },
      { name: 'Everyone', targets: [{ kind: 'FIRST_RESPONSE', minutes: 240, businessHours: false }, { kind: 'RESOLUTION', minutes: 2880, businessHours: false }] },
    )).map((p) => p.id) as [string, string, string, string];
  });

  it('applies the first policy, in order, whose every condition selects the case', async () => {
    const policyOf = async (input: Record<string, unknown>) => {
      const kase = await createCase(admin, { customerId, subject: 'Help', ...input });
      return Object.values(await clocks(kase.id)).map((t) => t.policyId);
    };
    expect(await policyOf({ priority: 'URGENT' })).toEqual([urgent]);
    expect(await policyOf({ customerId: goldCustomerId, priority: 'URGENT' })).toEqual([urgent]);
    expect(await policyOf({ customerId: goldCustomerId })).toEqual([goldTier]);
    expect(await policyOf({ channel: 'SOCIAL', queueId: billing })).toEqual([social]);
    // Both of its conditions must hold: SOCIAL in another queue, or billing by email, is not it.
    expect(await policyOf({ channel: 'SOCIAL' })).toEqual([fallback, fallback]);
    expect(await policyOf({ channel: 'EMAIL', queueId: billing })).toEqual([fallback, fallback]);
  });

  it('keeps what an update does not name', async () => {
    const renamed = await updateSlaPolicy(admin, urgent, { name: 'Urgent!', position: 1 });
    expect(renamed.conditions).toEqual({ priorities: ['URGENT'], channels: [], queueIds: [], tiers: [] });
    expect(renamed.targets).toEqual([{ kind: 'FIRST_RESPONSE', priority: null, minutes: 15, businessHours: false }]);
    const kase = await createCase(admin, { customerId, subject: 'Help' });
    expect(Object.values(await clocks(kase.id)).map((t) => t.policyId)).toEqual([fallback, fallback]);
  });

  it('follows a new order and skips disabled policies', async () => {
    await updateSlaPolicy(admin, fallback, { position: 1 });
    const first = await createCase(admin, { customerId, subject: 'Help', priority: 'URGENT' });
    expect(new Set(Object.values(await clocks(first.id)).map((t) => t.policyId))).toEqual(new Set([fallback]));
    await updateSlaPolicy(admin, fallback, { enabled: false });
    const second = await createCase(admin, { customerId, subject: 'Help', priority: 'URGENT' });
    expect(Object.values(await clocks(second.id)).map((t) => t.policyId)).toEqual([urgent]);
    const positions = (await data.db.select().from(slaPolicies)).sort((a, b) => a.position - b.position).map((p) => p.id);
    expect(positions).toEqual([fallback, urgent, goldTier, social]);
  });

  it('picks the policy again when the priority or queue changes, keeping the time used', async () => {
    const kase = await createCase(admin, { customerId, subject: 'Help' });
    const before = await clocks(kase.id);
    expect(before.FIRST_RESPONSE!.minutes).toBe(240);
    await updateCase(admin, kase.id, { priority: 'URGENT' });
    const after = await clocks(kase.id);
    expect(after.FIRST_RESPONSE).toMatchObject({ policyId: urgent, minutes: 15, status: 'ACTIVE' });
    // Still measured from the case's creation: 15 minutes after it, give or take the time the update took.
    expect(Math.abs(after.FIRST_RESPONSE!.dueAt!.getTime() - at(kase.createdAt, 15).getTime())).toBeLessThan(2_000);
    // The urgent policy has no resolution target: that clock is no longer tracked.
    expect(after.RESOLUTION).toBeUndefined();
  });

  it('starts no clock when no policy selects the case', async () => {
    await onlyPolicies({ name: 'Urgent only', conditions: { priorities: ['URGENT'] }, targets: [{ kind: 'FIRST_RESPONSE', minutes: 15, businessHours: false }] });
    const kase = await createCase(admin, { customerId, subject: 'Help', priority: 'LOW' });
    expect(await clocks(kase.id)).toEqual({});
  });

  it('uses the target of the case’s priority before the one for any priority', async () => {
    await onlyPolicies({
      name: 'Tiered',
      targets: [
        { kind: 'FIRST_RESPONSE', minutes: 120, businessHours: false },
        { kind: 'FIRST_RESPONSE', priority: 'HIGH', minutes: 30, businessHours: false },
      ],
    });
    const high = await createCase(admin, { customerId, subject: 'Help', priority: 'HIGH' });
    const low = await createCase(admin, { customerId, subject: 'Help', priority: 'LOW' });
    expect((await clocks(high.id)).FIRST_RESPONSE!.minutes).toBe(30);
    expect((await clocks(low.id)).FIRST_RESPONSE!.minutes).toBe(120);
  });
});

describe('clocks of a case', () => {
  beforeEach(async () => {
    await onlyPolicies({
      name: 'Standard',
      targets: [
        { kind: 'FIRST_RESPONSE', minutes: 60, businessHours: false },
        { kind: 'NEXT_RESPONSE', minutes: 30, businessHours: false },
        { kind: 'RESOLUTION', minutes: 60, businessHours: false },
      ],
    });
  });

  it('counts business hours of the policy’s calendar from the case’s creation', async () => {
    const calendar = await createSlaCalendar(admin, {
      name: `Berlin office ${Date.now()}`, timeZone: 'Europe/Berlin',
      periods: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'].flatMap((weekday) =>
        [{ weekday, start: '08:00', end: '12:00' }, { weekday, start: '13:00', end: '17:00' }]),
      holidays: [{ date: '2026-12-25', recurring: true, name: 'Christmas' }],
    });
    await onlyPolicies({ name: 'Office', calendarId: calendar.id, targets: [{ kind: 'FIRST_RESPONSE', minutes: 600 }] });
    const kase = await createCase(admin, { customerId, subject: 'Help' });
    const expected = addBusinessTime({ timeZone: 'Europe/Berlin', periods: calendar.periods, holidays: calendar.holidays }, kase.createdAt, 600);
    expect((await clocks(kase.id)).FIRST_RESPONSE).toMatchObject({ status: 'ACTIVE', businessHours: true, calendarId: calendar.id, dueAt: expected });
    await expect(deleteSlaCalendar(admin, calendar.id)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('hits the first response with an agent’s reply in time, and misses it with a late one', async () => {
    const onTime = await createCase(admin, { customerId, subject: 'Help' });
    // A customer's own message and an outbound message without an agent are no response.
    await customerWrites(onTime, at(onTime.createdAt, 1));
    await addInteraction(admin, { customerId, caseId: onTime.id, channel: 'EMAIL', direction: 'OUTBOUND', body: 'auto-reply', occurredAt: at(onTime.createdAt, 2) });
    expect((await clocks(onTime.id)).FIRST_RESPONSE!.status).toBe('ACTIVE');
    await reply(onTime, at(onTime.createdAt, 10));
    expect((await clocks(onTime.id)).FIRST_RESPONSE).toMatchObject({ status: 'HIT', hitAt: at(onTime.createdAt, 10), breachedAt: null });

    const late = await createCase(admin, { customerId, subject: 'Help' });
    await reply(late, at(late.createdAt, 61));
    const missed = (await clocks(late.id)).FIRST_RESPONSE!;
    expect(missed).toMatchObject({ status: 'MISSED', hitAt: null, breachedAt: at(late.createdAt, 60), completedAt: at(late.createdAt, 61) });
    // The next sweep announces the late answer's breach, once.
    await slaTick(admin, at(late.createdAt, 62));
    await slaTick(admin, at(late.createdAt, 63));
    const breached = (await events('sla.breached', late.id)).map((e) => e.payload as { kind: string; answeredLate: boolean });
    expect(breached.filter((p) => p.kind === 'FIRST_RESPONSE')).toEqual([expect.objectContaining({ answeredLate: true })]);
    // Its resolution clock, still open, was breached at 60 minutes too, and is not answered.
    expect(breached.filter((p) => p.kind === 'RESOLUTION')).toEqual([expect.objectContaining({ answeredLate: false })]);
  });

  it('starts a next-response clock after each customer message that follows an answer', async () => {
    const kase = await createCase(admin, { customerId, subject: 'Help' });
    await reply(kase, at(kase.createdAt, 5));
    expect((await clocks(kase.id)).NEXT_RESPONSE).toBeUndefined();
    await customerWrites(kase, at(kase.createdAt, 20));
    await customerWrites(kase, at(kase.createdAt, 25)); // still waiting: no second clock
    const first = (await clocks(kase.id)).NEXT_RESPONSE!;
    expect(first).toMatchObject({ cycle: 1, status: 'ACTIVE', startedAt: at(kase.createdAt, 20), dueAt: at(kase.createdAt, 50) });
    await reply(kase, at(kase.createdAt, 40));
    expect((await clocks(kase.id)).NEXT_RESPONSE).toMatchObject({ cycle: 1, status: 'HIT' });
    await customerWrites(kase, at(kase.createdAt, 100));
    expect((await clocks(kase.id)).NEXT_RESPONSE).toMatchObject({ cycle: 2, status: 'ACTIVE', dueAt: at(kase.createdAt, 130) });
  });

  it('asks whether an agent answered through the index of agents\' replies, not through the case\'s messages', async () => {
    const { sql: text, params } = agentReplyOnCase(data.db, 'any-case').toSQL();
    // A connection of its own: an EXPLAIN statement left to the garbage collector keeps its connection's read snapshot.
    const own = createClient({ url: `file:${join(dir, `${data.name}.db`)}` });
    const plan = await own.execute({ sql: `EXPLAIN QUERY PLAN ${text}`, args: params as never });
    own.close();
    expect(plan.rows.map((r) => String(r.detail))).toEqual([expect.stringMatching(/^SEARCH interactions USING (COVERING )?INDEX interactions_agent_reply_idx \(case_id=\?\)$/)]);
  });

  it('pauses resolution while the case is pending and resumes it with the time left', async () => {
    const kase = await createCase(admin, { customerId, subject: 'Help' });
    const t0 = kase.createdAt;
    await changeCase(kase.id, { status: 'PENDING' }, at(t0, 20));
    expect((await clocks(kase.id)).RESOLUTION).toMatchObject({ status: 'PAUSED', dueAt: null, consumedMs: 20 * MIN });
    // Paused clocks are never breached, however long the customer takes.
    await slaTick(admin, at(t0, 500));
    expect((await clocks(kase.id)).RESOLUTION!.status).toBe('PAUSED');
    await changeCase(kase.id, { status: 'OPEN' }, at(t0, 1000));
    expect((await clocks(kase.id)).RESOLUTION).toMatchObject({ status: 'ACTIVE', dueAt: at(t0, 1040) });
    await changeCase(kase.id, { status: 'SOLVED' }, at(t0, 1030));
    const done = await clocks(kase.id);
    expect(done.RESOLUTION).toMatchObject({ status: 'HIT', hitAt: at(t0, 1030) });
    // Solving also ends the response clock still waiting (it was missed at 60 minutes).
    expect(done.FIRST_RESPONSE).toMatchObject({ status: 'MISSED', breachedAt: at(t0, 60), completedAt: at(t0, 1030) });
  });

  it('is kept by agents’ replies and macros as well', async () => {
    const kase = await createCase(admin, { customerId, subject: 'Help' });
    await data.write((tx) => recordReplyTx(tx, 'system', kase, { body: 'Hello', agentId }, at(kase.createdAt, 3)));
    expect((await clocks(kase.id)).FIRST_RESPONSE).toMatchObject({ status: 'HIT', hitAt: at(kase.createdAt, 3) });
    await data.write((tx) => changeCaseTx(tx, 'system', kase, { status: 'PENDING' }, at(kase.createdAt, 10)));
    expect((await clocks(kase.id)).RESOLUTION).toMatchObject({ status: 'PAUSED', consumedMs: 10 * MIN });
  });

  it('misses resolution when solved after its due time, and starts it again when the case is reopened', async () => {
    const kase = await createCase(admin, { customerId, subject: 'Help' });
    await changeCase(kase.id, { status: 'SOLVED' }, at(kase.createdAt, 61));
    expect((await clocks(kase.id)).RESOLUTION).toMatchObject({ cycle: 1, status: 'MISSED', breachedAt: at(kase.createdAt, 60), hitAt: null });
    await changeCase(kase.id, { status: 'OPEN' }, at(kase.createdAt, 200));
    expect((await clocks(kase.id)).RESOLUTION).toMatchObject({ cycle: 2, status: 'ACTIVE', startedAt: at(kase.createdAt, 200), dueAt: at(kase.createdAt, 260) });
  });
});

describe('the sweep', () => {
  let queueId: string;
  beforeAll(async () => {
    queueId = (await createQueue(admin, { name: 'Escalations' })).id;
  });
  // The sweep covers the whole tenant: earlier tests' clocks are swept away first, so the
  // counts below are this test's case's alone.
  beforeEach(async () => {
    await slaTick(admin, at(new Date(), 60 * 24 * 365));
  });

  it('announces breaching soon and breached exactly once each, at the configured lead', async () => {
    await onlyPolicies({ name: 'Resolution 100', targets: [{ kind: 'RESOLUTION', minutes: 100, businessHours: false }] });
    const kase = await createCase(admin, { customerId, subject: 'Help' });
    const t0 = kase.createdAt;
    expect((await clocks(kase.id)).RESOLUTION!.warnAt).toEqual(at(t0, 85)); // 15 % by default
    expect(await slaTick(admin, at(t0, 84))).toMatchObject({ breachingSoon: 0, breached: 0 });
    // Two sweeps at once (as two timers or processes would) still announce once.
    const [a, b] = await Promise.all([slaTick(admin, at(t0, 86)), slaTick(admin, at(t0, 86))]);
    expect(a.breachingSoon + b.breachingSoon).toBe(1);
    expect((await slaTick(admin, at(t0, 90))).breachingSoon).toBe(0);
    expect(await events('sla.breaching_soon', kase.id)).toHaveLength(1);
    expect((await clocks(kase.id)).RESOLUTION!.status).toBe('ACTIVE');

    const [c, d] = await Promise.all([slaTick(admin, at(t0, 101)), slaTick(admin, at(t0, 101))]);
    expect(c.breached + d.breached).toBe(1);
    await slaTick(admin, at(t0, 500));
    const breached = await events('sla.breached', kase.id);
    expect(breached).toHaveLength(1);
    expect(breached[0]!.payload).toMatchObject({ kind: 'RESOLUTION', dueAt: at(t0, 100).toISOString(), answeredLate: false });
    expect((await clocks(kase.id)).RESOLUTION).toMatchObject({ status: 'MISSED', breachedAt: at(t0, 100) });
  });

  it('announces once when two processes sweep the same database', async () => {
    await onlyPolicies({ name: 'Two sweepers', targets: [{ kind: 'RESOLUTION', minutes: 10, businessHours: false }] });
    const kase = await createCase(admin, { customerId, subject: 'Help' });
    // A second connection to the same file, as another core process has: no shared lock in memory.
    const other = new TenantDatabases({ kind: 'embedded', dataDir: dir });
    try {
      const otherCtx: TenantContext = { ...admin, data: await other.get(admin.tenantId) };
      const ticks = await Promise.all([9, 11].flatMap((m) => [slaTick(admin, at(kase.createdAt, m)), slaTick(otherCtx, at(kase.createdAt, m))]));
      expect(ticks.reduce((n, t) => n + t.breached, 0)).toBe(1);
      expect(await events('sla.breached', kase.id)).toHaveLength(1);
      expect((await events('sla.breaching_soon', kase.id)).length).toBeLessThanOrEqual(1);
    } finally {
      await other.close();
    }
  });

  it('takes a lead in minutes over the percentage', async () => {
    await onlyPolicies({ name: 'Lead 30', warnMinutes: 30, targets: [{ kind: 'RESOLUTION', minutes: 100, businessHours: false }] });
    const kase = await createCase(admin, { customerId, subject: 'Help' });
    expect((await clocks(kase.id)).RESOLUTION!.warnAt).toEqual(at(kase.createdAt, 70));
    expect((await slaTick(admin, at(kase.createdAt, 71))).breachingSoon).toBeGreaterThanOrEqual(1);
    expect(await events('sla.breaching_soon', kase.id)).toHaveLength(1);
  });

  it('applies escalation rules with the event: raise priority, reassign, notify a supervisor', async () => {
    const [policy] = await onlyPolicies({
      name: 'Escalating',
      targets: [{ kind: 'FIRST_RESPONSE', minutes: 60, businessHours: false }, { kind: 'RESOLUTION', minutes: 600, businessHours: false }],
      escalations: [
        { on: 'BREACHING_SOON', targetKind: 'FIRST_RESPONSE', action: 'RAISE_PRIORITY' },
        { on: 'BREACHED', targetKind: 'FIRST_RESPONSE', action: 'REASSIGN', queueId },
        { on: 'BREACHED', action: 'NOTIFY', agentId: supervisorId },
      ],
    });
    const kase = await createCase(admin, { customerId, subject: 'Help', assigneeId: agentId });
    const t0 = kase.createdAt;
    expect(await slaTick(admin, at(t0, 52))).toMatchObject({ breachingSoon: 1, escalations: 1 });
    let row = (await data.db.select().from(cases).where(eq(cases.id, kase.id)).get())!;
    expect(row.priority).toBe('HIGH');
    expect(await slaTick(admin, at(t0, 61))).toMatchObject({ breached: 1, escalations: 2 });
    row = (await data.db.select().from(cases).where(eq(cases.id, kase.id)).get())!;
    expect(row).toMatchObject({ priority: 'HIGH', queueId, assigneeId: null });
    // Routing has it waiting in the new queue's line.
    expect(await getWorkItem(data.db, kase.id)).toMatchObject({ queueId, state: 'WAITING', agentId: null });
    const applied = await data.db.select().from(slaEscalations).where(eq(slaEscalations.caseId, kase.id));
    expect(applied.map((e) => `${e.event}:${e.action}`).sort()).toEqual(['BREACHED:NOTIFY', 'BREACHED:REASSIGN', 'BREACHING_SOON:RAISE_PRIORITY']);
    const notified = await events('sla.supervisor_notified', kase.id);
    expect(notified.map((e) => e.payload)).toEqual([expect.objectContaining({ agentId: supervisorId, kind: 'FIRST_RESPONSE', event: 'BREACHED' })]);
    expect(await events('sla.escalated', kase.id)).toHaveLength(3);
    expect((await events('case.updated', kase.id)).length).toBeGreaterThanOrEqual(2);
    // Nothing fires twice.
    expect(await slaTick(admin, at(t0, 62))).toEqual({ breachingSoon: 0, breached: 0, escalations: 0 });
    // Plugins receive these events with the API's global ids.
    const delivered = publicIds('sla.supervisor_notified', notified[0]!.subjectId, notified[0]!.payload as Record<string, unknown>);
    expect(delivered.subjectId).toBe(toGlobalId('Case', kase.id));
    expect(delivered.payload).toMatchObject({ caseId: toGlobalId('Case', kase.id), agentId: toGlobalId('Agent', supervisorId), policyId: toGlobalId('SlaPolicy', policy!.id) });
  });
});

describe('reports', () => {
  it('lists running clocks due soonest first and counts outcomes per kind in a period', async () => {
    await slaTick(admin, at(new Date(), 60 * 24 * 365)); // earlier tests' clocks are decided
    await onlyPolicies({ name: 'Report', targets: [{ kind: 'FIRST_RESPONSE', minutes: 30, businessHours: false }, { kind: 'RESOLUTION', minutes: 90, businessHours: false }] });
    const a = await createCase(admin, { customerId, subject: 'A' });
    const b = await createCase(admin, { customerId, subject: 'B' });
    // Earlier tests' clocks share the database (and were decided around the same times): compare counts before and after.
    const period = { from: a.createdAt, to: at(a.createdAt, 60) };
    const counts = async () => new Map((await slaOutcomes(admin, period)).map((o) => [o.kind, o]));
    const before = await counts();
    await reply(b, at(b.createdAt, 5));
    const due = await slaTargetsDue(admin, { before: at(a.createdAt, 100), first: 10 });
    expect(due.map((t) => [t.caseId, t.kind])).toEqual([[a.id, 'FIRST_RESPONSE'], [a.id, 'RESOLUTION'], [b.id, 'RESOLUTION']]);
    expect(await slaTargetsDue(admin, { before: at(a.createdAt, 60), first: 1 })).toHaveLength(1);
    await expect(slaTargetsDue(admin, { before: new Date(), first: 0 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });

    await slaTick(admin, at(a.createdAt, 31)); // a's first response missed at +30
    const after = await counts();
    const delta = (kind: string) => ({
      hit: (after.get(kind as never)?.hit ?? 0) - (before.get(kind as never)?.hit ?? 0),
      missed: (after.get(kind as never)?.missed ?? 0) - (before.get(kind as never)?.missed ?? 0),
    });
    expect(delta('FIRST_RESPONSE')).toEqual({ hit: 1, missed: 1 });
    expect(delta('RESOLUTION')).toEqual({ hit: 0, missed: 0 });
  });
});

describe('calendar and policy rules', () => {
  const office = { timeZone: 'Europe/Berlin', periods: [{ weekday: 'MONDAY', start: '09:00', end: '17:00' }] };
  const issuesOf = async (p: Promise<unknown>) => {
    const error = await p.then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('BAD_USER_INPUT');
    return ((error as AppError).details!.issues as { path: unknown[] }[]).map((i) => i.path.join('.'));
  };

  it('refuses a calendar that is never open, unknown zones, overlaps and too many holidays', async () => {
    expect(await issuesOf(createSlaCalendar(admin, { ...office, name: 'Never', periods: [] }))).toEqual(['periods']);
    expect(await issuesOf(createSlaCalendar(admin, { ...office, name: 'Mars', timeZone: 'Mars/Olympus' }))).toEqual(['timeZone']);
    expect(await issuesOf(createSlaCalendar(admin, {
      ...office, name: 'Overlap', periods: [{ weekday: 'MONDAY', start: '09:00', end: '13:00' }, { weekday: 'MONDAY', start: '12:00', end: '17:00' }],
    }))).toEqual(['periods.1']);
    expect(await issuesOf(createSlaCalendar(admin, { ...office, name: 'Backwards', periods: [{ weekday: 'MONDAY', start: '17:00', end: '09:00' }] })))
      .toEqual(['periods.0.end']);
    const holidays = Array.from({ length: 51 }, (_, i) => ({ date: `2027-01-${String((i % 28) + 1).padStart(2, '0')}` }));
    expect(await issuesOf(createSlaCalendar(admin, { ...office, name: 'Holidays', holidays }))).toEqual(['holidays']);
    expect(await issuesOf(createSlaCalendar(admin, { ...office, name: 'Feb 30', holidays: [{ date: '2027-02-30' }] }))).toEqual(['holidays.0.date']);
    // Periods that only meet are fine.
    await expect(createSlaCalendar(admin, {
      ...office, name: 'Meeting', periods: [{ weekday: 'MONDAY', start: '09:00', end: '13:00' }, { weekday: 'MONDAY', start: '13:00', end: '24:00' }],
    })).resolves.toMatchObject({ name: 'Meeting' });
  });

  it('refuses business-hours targets without a calendar and repeated targets', async () => {
    expect(await issuesOf(createSlaPolicy(admin, { name: 'No calendar', targets: [{ kind: 'RESOLUTION', minutes: 60 }] }))).toEqual(['targets.0.businessHours']);
    expect(await issuesOf(createSlaPolicy(admin, {
      name: 'Twice', targets: [{ kind: 'RESOLUTION', minutes: 60, businessHours: false }, { kind: 'RESOLUTION', minutes: 90, businessHours: false }],
    }))).toEqual(['targets.1']);
    expect(await issuesOf(createSlaPolicy(admin, {
      name: 'Notify nobody', targets: [{ kind: 'RESOLUTION', minutes: 60, businessHours: false }], escalations: [{ on: 'BREACHED', action: 'NOTIFY' }],
    }))).toEqual(['escalations.0.agentId']);
  });

  it('answers NOT_FOUND for queues, agents and calendars the tenant does not have', async () => {
    const missing = '01900000-0000-7000-8000-000000000000';
    await expect(createSlaPolicy(admin, { name: 'Ghost queue', conditions: { queueIds: [missing] }, targets: [{ kind: 'RESOLUTION', minutes: 60, businessHours: false }] }))
      .rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(createSlaPolicy(admin, { name: 'Ghost calendar', calendarId: missing, targets: [{ kind: 'RESOLUTION', minutes: 60 }] }))
      .rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('keeps admin-only writes for admins', async () => {
    const agentCtx: TenantContext = { ...admin, role: 'agent' };
    await expect(createSlaCalendar(agentCtx, { ...office, name: 'Nope' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(createSlaPolicy(agentCtx, { name: 'Nope', targets: [{ kind: 'RESOLUTION', minutes: 60, businessHours: false }] }))
      .rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('targets table', () => {
  it('keeps one row per case, kind and cycle', async () => {
    const rows = await data.db.select().from(caseSlaTargets);
    const keys = rows.map((r) => `${r.caseId}/${r.kind}/${r.cycle}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
