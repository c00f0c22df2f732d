import { and, asc, desc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { caseSlaTargets, interactions, slaCalendars, slaPolicies, SLA_TARGET_KINDS, type SlaTargetKind } from '../../db/tenant-schema.js';
import type { TenantDrizzle, TenantTx } from '../../db/tenant-db.js';
import { newId } from '../../lib/ids.js';
import type { TenantContext } from '../../tenancy/context.js';
import type { Case } from '../cases.js';
import type { Interaction } from '../interactions.js';
import { addBusinessTime, businessMinutesBetween } from './business-hours.js';
import { businessCalendar } from './calendars.js';
import { policyForCase, targetRule, type SlaPolicy } from './policies.js';

export type CaseSlaTarget = typeof caseSlaTargets.$inferSelect;

const MINUTE_MS = 60_000;
const DONE: readonly Case['status'][] = ['SOLVED', 'CLOSED'];

/** How a clock counts time: business hours of a calendar, or every minute. */
interface Counting {
  businessHours: boolean;
  calendarId: string | null;
}

/** Loads calendars once per transaction pass; a deleted calendar counts every minute. */
class Calendars {
  readonly #cache = new Map<string, Promise<ReturnType<typeof businessCalendar> | null>>();
  constructor(private readonly tx: TenantTx) {}

  get(id: string) {
    let found = this.#cache.get(id);
    if (!found) {
      found = this.tx.select().from(slaCalendars).where(eq(slaCalendars.id, id)).get().then((c) => (c ? businessCalendar(c) : null));
      this.#cache.set(id, found);
    }
    return found;
  }

  /** The instant `minutes` of counted time after `from`. */
  async add(c: Counting, from: Date, minutes: number): Promise<Date> {
    const calendar = c.businessHours && c.calendarId ? await this.get(c.calendarId) : null;
    return calendar ? addBusinessTime(calendar, from, minutes) : new Date(from.getTime() + minutes * MINUTE_MS);
  }

  /** Counted minutes between two instants. */
  async between(c: Counting, a: Date, b: Date): Promise<number> {
    const calendar = c.businessHours && c.calendarId ? await this.get(c.calendarId) : null;
    return calendar ? businessMinutesBetween(calendar, a, b) : Math.max(0, b.getTime() - a.getTime()) / MINUTE_MS;
  }
}

/** Minutes before the due time at which a clock is "breaching soon". */
function warnLead(policy: Pick<SlaPolicy, 'warnMinutes' | 'warnPercent'> | null, minutes: number): number {
  if (policy?.warnMinutes) return Math.min(policy.warnMinutes, minutes);
  return (minutes * (policy?.warnPercent ?? 15)) / 100;
}

/** Due and warning times of a clock running from `since` with `consumedMs` already used. */
async function schedule(cals: Calendars, t: Counting & { minutes: number; consumedMs: number }, since: Date, policy: SlaPolicy | null) {
  const remaining = Math.max(0, t.minutes - t.consumedMs / MINUTE_MS);
  const lead = warnLead(policy, t.minutes);
  return {
    dueAt: await cals.add(t, since, remaining),
    warnAt: await cals.add(t, since, Math.max(0, remaining - lead)),
  };
}

type Change = Partial<CaseSlaTarget>;

async function save(tx: TenantTx, id: string, change: Change, at: Date) {
  await tx.update(caseSlaTargets).set({ ...change, updatedAt: at }).where(eq(caseSlaTargets.id, id));
}

/** A running clock found past its due time is missed from that moment; the sweep announces it. */
function breachIfDue(t: CaseSlaTarget, at: Date): Change | null {
  if (t.status !== 'ACTIVE' || !t.dueAt || t.dueAt.getTime() > at.getTime()) return null;
  return { status: 'MISSED', breachedAt: t.dueAt, activeSince: null };
}

/** Ends a clock at `at`: hit when on time (or paused), missed when late. Already missed stays missed. */
function complete(t: CaseSlaTarget, at: Date): Change {
  const late = breachIfDue(t, at);
  if (late) return { ...late, completedAt: at };
  if (t.status === 'MISSED') return { completedAt: at };
  return { status: 'HIT', hitAt: at, completedAt: at, activeSince: null, warnAt: null };
}

/** The clocks of a case still waiting for their event (running, paused, or missed and still unanswered). */
function openTargets(tx: TenantTx, caseId: string, kinds: readonly SlaTargetKind[] = SLA_TARGET_KINDS): Promise<CaseSlaTarget[]> {
  return tx.select().from(caseSlaTargets)
    .where(and(eq(caseSlaTargets.caseId, caseId), inArray(caseSlaTargets.kind, [...kinds]), isNull(caseSlaTargets.completedAt)))
    .orderBy(asc(caseSlaTargets.kind), asc(caseSlaTargets.cycle));
}

async function latestCycle(tx: TenantTx, caseId: string, kind: SlaTargetKind): Promise<CaseSlaTarget | undefined> {
  return tx.select().from(caseSlaTargets).where(and(eq(caseSlaTargets.caseId, caseId), eq(caseSlaTargets.kind, kind)))
    .orderBy(desc(caseSlaTargets.cycle)).limit(1).get();
}

/**
 * An agent's reply on the case (an outbound interaction with an agent), if any. Its conditions are
 * those of interactions_agent_reply_idx (the direction written out, so the plan never rests on a
 * bound value): it reads agents' replies only, never the case's other messages.
 */
export const agentReplyOnCase = (db: TenantDrizzle | TenantTx, caseId: string) => db.select({ id: interactions.id }).from(interactions)
  .where(and(eq(interactions.caseId, caseId), sql`${interactions.direction} = 'OUTBOUND'`, isNotNull(interactions.agentId))).limit(1);

async function agentHasReplied(tx: TenantTx, caseId: string): Promise<boolean> {
  return Boolean(await agentReplyOnCase(tx, caseId).get());
}

/** Starts a new clock of `kind` for the case from `startedAt`, counted until `at` when the case is pending. */
async function startClock(
  tx: TenantTx, cals: Calendars, kase: Case, policy: SlaPolicy, kind: SlaTargetKind, startedAt: Date, at: Date, cycle: number,
) {
  const rule = targetRule(policy, kind, kase.priority);
  if (!rule) return;
  const counting = { businessHours: rule.businessHours, calendarId: rule.businessHours ? policy.calendarId : null };
  const paused = kind === 'RESOLUTION' && kase.status === 'PENDING';
  const consumedMs = paused ? (await cals.between(counting, startedAt, at)) * MINUTE_MS : 0;
  const times = paused ? { dueAt: null, warnAt: null } : await schedule(cals, { ...counting, minutes: rule.minutes, consumedMs }, startedAt, policy);
  await tx.insert(caseSlaTargets).values({
    id: newId(), caseId: kase.id, kind, cycle, policyId: policy.id, status: paused ? 'PAUSED' : 'ACTIVE', minutes: rule.minutes,
    ...counting, startedAt, activeSince: paused ? null : startedAt, consumedMs: Math.round(consumedMs), ...times, updatedAt: at,
  });
}

/**
 * Applies the first matching policy to the case at `at`: running clocks take the policy's
 * targets (keeping the time they used), clocks the policy has no target for stop being tracked,
 * and a first-response or resolution clock the case never had starts from the case's creation.
 */
export async function applySlaPolicy(tx: TenantTx, kase: Case, at: Date): Promise<void> {
  const policy = await policyForCase(tx, kase);
  const cals = new Calendars(tx);
  const open = await openTargets(tx, kase.id);
  for (const t of open) {
    if (t.status === 'MISSED') continue; // already breached: it waits for its answer only
    const rule = policy ? targetRule(policy, t.kind, kase.priority) : null;
    if (!policy || !rule) {
      await tx.delete(caseSlaTargets).where(eq(caseSlaTargets.id, t.id));
      continue;
    }
    const counting = { businessHours: rule.businessHours, calendarId: rule.businessHours ? policy.calendarId : null };
    const change: Change = { policyId: policy.id, minutes: rule.minutes, ...counting };
    if (t.status === 'ACTIVE' && t.activeSince) {
      // Re-anchor at `at` so time already used is kept under the old counting, the rest under the new.
      const used = t.consumedMs + (await cals.between(t, t.activeSince, at)) * MINUTE_MS;
      Object.assign(change, { activeSince: at, consumedMs: Math.round(used) },
        await schedule(cals, { ...counting, minutes: rule.minutes, consumedMs: used }, at, policy));
    }
    await save(tx, t.id, change, at);
  }
  if (!policy) return;
  if (!(await latestCycle(tx, kase.id, 'FIRST_RESPONSE')) && !DONE.includes(kase.status) && !(await agentHasReplied(tx, kase.id))) {
    await startClock(tx, cals, kase, policy, 'FIRST_RESPONSE', kase.createdAt, at, 1);
  }
  if (!(await latestCycle(tx, kase.id, 'RESOLUTION')) && !DONE.includes(kase.status)) {
    await startClock(tx, cals, kase, policy, 'RESOLUTION', kase.createdAt, at, 1);
  }
}

/**
 * Pauses the resolution clock while the case waits on the customer, resumes it after, ends every
 * clock on solve and starts the resolution clock again when a solved case is reopened.
 */
async function applyStatusChange(tx: TenantTx, before: Case['status'], kase: Case, at: Date): Promise<void> {
  const cals = new Calendars(tx);
  if (DONE.includes(kase.status) && !DONE.includes(before)) {
    for (const t of await openTargets(tx, kase.id)) await save(tx, t.id, complete(t, at), at);
    return;
  }
  if (DONE.includes(before) && !DONE.includes(kase.status)) {
    // Reopened: resolving it again is a new round of the resolution clock, from now.
    const policy = await policyForCase(tx, kase);
    const previous = await latestCycle(tx, kase.id, 'RESOLUTION');
    if (policy) await startClock(tx, cals, kase, policy, 'RESOLUTION', at, at, (previous?.cycle ?? 0) + 1);
    return;
  }
  if (kase.status === 'PENDING' && before !== 'PENDING') {
    for (const t of await openTargets(tx, kase.id, ['RESOLUTION'])) {
      if (t.status !== 'ACTIVE' || !t.activeSince) continue;
      const late = breachIfDue(t, at);
      if (late) {
        await save(tx, t.id, late, at);
        continue;
      }
      const used = t.consumedMs + (await cals.between(t, t.activeSince, at)) * MINUTE_MS;
      await save(tx, t.id, { status: 'PAUSED', activeSince: null, consumedMs: Math.round(used), dueAt: null, warnAt: null }, at);
    }
    return;
  }
  if (before === 'PENDING' && kase.status !== 'PENDING') {
    for (const t of await openTargets(tx, kase.id, ['RESOLUTION'])) {
      if (t.status !== 'PAUSED') continue;
      const policy = t.policyId ? (await tx.select().from(slaPolicies).where(eq(slaPolicies.id, t.policyId)).get()) ?? null : null;
      await save(tx, t.id, { status: 'ACTIVE', activeSince: at, ...(await schedule(cals, t, at, policy)) }, at);
    }
  }
}

/**
 * The case was created (call inside the creating transaction, right after inserting it): its
 * first matching policy starts the first-response and resolution clocks from the case's
 * creation. A case just inserted has no clocks and no replies yet, so none are read. `policy` is
 * the case's policy (`policyForCase`) when the caller read it together with its own reads.
 */
export async function slaOnCaseCreated(tx: TenantTx, kase: Case, policy?: SlaPolicy | null): Promise<void> {
  if (DONE.includes(kase.status)) return;
  const chosen = policy === undefined ? await policyForCase(tx, kase) : policy;
  if (!chosen) return;
  const cals = new Calendars(tx);
  await startClock(tx, cals, kase, chosen, 'FIRST_RESPONSE', kase.createdAt, kase.createdAt, 1);
  await startClock(tx, cals, kase, chosen, 'RESOLUTION', kase.createdAt, kase.createdAt, 1);
}

/**
 * The case changed (call inside the updating transaction with the rows before and after): a
 * change of priority, channel or queue picks the policy again; a change of status pauses,
 * resumes or ends clocks. `after.updatedAt` is the moment of the change.
 */
export async function slaOnCaseUpdated(tx: TenantTx, before: Case, after: Case): Promise<void> {
  const at = after.updatedAt;
  if (before.status !== after.status) await applyStatusChange(tx, before.status, after, at);
  if (before.priority !== after.priority || before.channel !== after.channel || before.queueId !== after.queueId) {
    await applySlaPolicy(tx, after, at);
  }
}

/** What a message on a case is checked against: the clocks waiting for an answer, and whether an agent has answered yet. */
export interface MessageSlaState {
  waiting: CaseSlaTarget[];
  replied: boolean;
}

/**
 * Reads the case's `MessageSlaState`. Called before the message is written, it gives the same
 * answer (a customer's message is no agent's reply), so a caller can ask it with its own reads.
 */
export async function slaStateForMessage(tx: TenantTx, caseId: string): Promise<MessageSlaState> {
  const [waiting, replied] = await Promise.all([openTargets(tx, caseId, ['FIRST_RESPONSE', 'NEXT_RESPONSE']), agentHasReplied(tx, caseId)]);
  return { waiting, replied };
}

/**
 * An interaction was recorded on a case (call inside its transaction, with the case's
 * `slaStateForMessage` if read already). An agent's outbound message answers the first-response
 * and next-response clocks; a customer's inbound message after the first answer starts a
 * next-response clock, unless one is already waiting. Its `occurredAt` is the moment counted, so
 * back-filled messages land where they happened.
 */
export async function slaOnInteraction(tx: TenantTx, interaction: Interaction, kase: Case, state?: MessageSlaState): Promise<void> {
  const at = interaction.occurredAt;
  if (interaction.direction === 'OUTBOUND') {
    if (!interaction.agentId) return;
    const { waiting } = state ?? await slaStateForMessage(tx, kase.id);
    await Promise.all(waiting.map((t) => save(tx, t.id, complete(t, at), at)));
    return;
  }
  if (kase.status === 'CLOSED') return;
  const { waiting, replied } = state ?? await slaStateForMessage(tx, kase.id);
  if (waiting.length > 0) return;
  if (!replied) return; // still waiting for the first answer
  const [policy, previous] = await Promise.all([policyForCase(tx, kase), latestCycle(tx, kase.id, 'NEXT_RESPONSE')]);
  if (!policy) return;
  await startClock(tx, new Calendars(tx), kase, policy, 'NEXT_RESPONSE', at, at, (previous?.cycle ?? 0) + 1);
}

/** The case's current clock of each kind (the latest next-response cycle), in kind order. */
export async function caseSlaTargetsOf(ctx: TenantContext, caseIds: readonly string[]): Promise<Map<string, CaseSlaTarget[]>> {
  const result = new Map<string, CaseSlaTarget[]>(caseIds.map((id) => [id, []]));
  if (caseIds.length === 0) return result;
  const rows = await ctx.data.db.select().from(caseSlaTargets).where(inArray(caseSlaTargets.caseId, [...caseIds]))
    .orderBy(asc(caseSlaTargets.caseId), asc(caseSlaTargets.kind), desc(caseSlaTargets.cycle));
  for (const row of rows) {
    const list = result.get(row.caseId)!;
    if (list.at(-1)?.kind !== row.kind) list.push(row);
  }
  for (const list of result.values()) list.sort((a, b) => SLA_TARGET_KINDS.indexOf(a.kind) - SLA_TARGET_KINDS.indexOf(b.kind));
  return result;
}
