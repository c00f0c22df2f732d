import { and, eq, gt, inArray, isNull, lte, sql } from 'drizzle-orm';
import { cases, caseSlaTargets, slaEscalations, slaPolicies, CASE_PRIORITIES, type SlaEscalationRule } from '../../db/tenant-schema.js';
import type { TenantTx } from '../../db/tenant-db.js';
import { newId } from '../../lib/ids.js';
import type { TenantContext } from '../../tenancy/context.js';
import type { Case } from '../cases.js';
import { liveEvents } from '../live-events.js';
import { emitEvent } from '../outbox.js';
import { loadChannelWeights } from '../routing/config.js';
import { markAssigned, putInLine } from '../routing/router.js';
import { withBusyRetry } from '../routing/store.js';
import { applySlaPolicy, type CaseSlaTarget } from './targets.js';

/** Clocks handled per transaction; a sweep repeats until none are left. */
const BATCH = 100;
/** The sweep's actor in outbox events: no person or key caused them. */
export const SLA_ACTOR = 'system:sla';

export interface SlaTickResult {
  breachingSoon: number;
  breached: number;
  escalations: number;
}

type SlaEvent = SlaEscalationRule['on'];

/** What an applied escalation changed (REASSIGN, RAISE_PRIORITY) or whom it notified (NOTIFY). */
export interface EscalationDetail {
  fromQueueId?: string | null;
  queueId?: string | null;
  fromAgentId?: string | null;
  agentId?: string | null;
  fromPriority?: Case['priority'];
  toPriority?: Case['priority'];
}

const eventPayload = (t: CaseSlaTarget) => ({
  caseId: t.caseId, kind: t.kind, cycle: t.cycle, dueAt: t.dueAt?.toISOString() ?? null, policyId: t.policyId,
});

/** The rules of the clock's policy that fire on this event for this kind of clock. */
async function rulesFor(tx: TenantTx, t: CaseSlaTarget, event: SlaEvent): Promise<SlaEscalationRule[]> {
  if (!t.policyId) return [];
  const policy = await tx.select({ escalations: slaPolicies.escalations }).from(slaPolicies).where(eq(slaPolicies.id, t.policyId)).get();
  return (policy?.escalations ?? []).filter((r) => r.on === event && (r.targetKind === null || r.targetKind === t.kind));
}

const raised = (p: Case['priority']): Case['priority'] => CASE_PRIORITIES[Math.min(CASE_PRIORITIES.indexOf(p) + 1, CASE_PRIORITIES.length - 1)]!;

/**
 * Applies the escalation rules for one announced event to its case, in the same transaction:
 * reassign (to a queue and/or an agent), raise the priority one step, notify a supervisor. Each
 * applied action is recorded (`sla_escalations`) and announced (`sla.escalated`); a supervisor's
 * notice is also its own event (`sla.supervisor_notified`). A changed case gets its policy again.
 */
async function escalate(tx: TenantTx, t: CaseSlaTarget, event: SlaEvent, now: Date): Promise<{ applied: number; kase: Case | null }> {
  const rules = await rulesFor(tx, t, event);
  if (rules.length === 0) return { applied: 0, kase: null };
  const before = await tx.select().from(cases).where(eq(cases.id, t.caseId)).get();
  if (!before) return { applied: 0, kase: null };
  let kase: Case = before;
  let applied = 0;
  for (const rule of rules) {
    // Flat, with id fields the outbox translates to global ids for plugins (public-ids.ts).
    let detail: EscalationDetail;
    if (rule.action === 'REASSIGN') {
      const queueId = rule.queueId ?? kase.queueId;
      // A queue alone sends the case back to that queue's routing; an agent takes it directly.
      const agentId = rule.agentId ?? (rule.queueId ? null : kase.assigneeId);
      detail = { fromQueueId: kase.queueId, queueId, fromAgentId: kase.assigneeId, agentId };
      kase = { ...kase, queueId, assigneeId: agentId };
    } else if (rule.action === 'RAISE_PRIORITY') {
      if (kase.priority === 'URGENT') continue; // nothing to raise
      detail = { fromPriority: kase.priority, toPriority: raised(kase.priority) };
      kase = { ...kase, priority: raised(kase.priority) };
    } else {
      detail = { agentId: rule.agentId };
      await emitEvent(tx, SLA_ACTOR, 'sla.supervisor_notified', t.caseId, { ...eventPayload(t), event, agentId: rule.agentId });
    }
    await tx.insert(slaEscalations).values({ id: newId(), caseId: t.caseId, targetId: t.id, event, action: rule.action, detail: { kind: t.kind, ...detail }, createdAt: now });
    await emitEvent(tx, SLA_ACTOR, 'sla.escalated', t.caseId, { ...eventPayload(t), event, action: rule.action, ...detail });
    applied++;
  }
  const changed = kase.priority !== before.priority || kase.queueId !== before.queueId || kase.assigneeId !== before.assigneeId;
  if (!changed) return { applied, kase: null };
  kase = { ...kase, updatedAt: now };
  await tx.update(cases).set({ priority: kase.priority, queueId: kase.queueId, assigneeId: kase.assigneeId, updatedAt: now }).where(eq(cases.id, kase.id));
  if (kase.queueId !== before.queueId || kase.assigneeId !== before.assigneeId) {
    // Routing's own record of the case follows: in its new queue's line (keeping its age), or assigned.
    const weights = await loadChannelWeights(tx);
    if (kase.assigneeId) await markAssigned(tx, kase, kase.assigneeId, weights, now);
    else await putInLine(tx, kase, weights, now);
  }
  const fields = (['priority', 'queueId', 'assigneeId'] as const).filter((f) => kase[f] !== before[f]);
  await emitEvent(tx, SLA_ACTOR, 'case.updated', kase.id, { fields, status: kase.status });
  if (kase.priority !== before.priority || kase.queueId !== before.queueId) await applySlaPolicy(tx, kase, now);
  return { applied, kase };
}

/**
 * Announces clocks entering their warning window (`sla.breaching_soon`). The conditional update
 * claims each clock once, so a clock is announced once even with two sweeping processes.
 */
async function warnBatch(tx: TenantTx, now: Date, result: SlaTickResult, changed: Map<string, Case>): Promise<number> {
  const due = tx.select({ id: caseSlaTargets.id }).from(caseSlaTargets)
    .where(and(eq(caseSlaTargets.status, 'ACTIVE'), isNull(caseSlaTargets.warnedAt), lte(caseSlaTargets.warnAt, now), gt(caseSlaTargets.dueAt, now)))
    .limit(BATCH);
  const claimed = await tx.update(caseSlaTargets).set({ warnedAt: now, updatedAt: now })
    .where(and(inArray(caseSlaTargets.id, due), isNull(caseSlaTargets.warnedAt))).returning();
  for (const t of claimed) {
    await emitEvent(tx, SLA_ACTOR, 'sla.breaching_soon', t.caseId, eventPayload(t));
    result.breachingSoon++;
    const { applied, kase } = await escalate(tx, t, 'BREACHING_SOON', now);
    result.escalations += applied;
    if (kase) changed.set(kase.id, kase);
  }
  return claimed.length;
}

/** Marks running clocks past their due time missed, then announces each missed clock once (`sla.breached`). */
async function breachBatch(tx: TenantTx, now: Date, result: SlaTickResult, changed: Map<string, Case>): Promise<number> {
  await tx.update(caseSlaTargets)
    .set({ status: 'MISSED', breachedAt: sql`${caseSlaTargets.dueAt}`, activeSince: null, updatedAt: now })
    .where(and(eq(caseSlaTargets.status, 'ACTIVE'), lte(caseSlaTargets.dueAt, now)));
  const unannounced = tx.select({ id: caseSlaTargets.id }).from(caseSlaTargets)
    .where(and(eq(caseSlaTargets.status, 'MISSED'), isNull(caseSlaTargets.breachNotifiedAt))).limit(BATCH);
  const claimed = await tx.update(caseSlaTargets).set({ breachNotifiedAt: now, updatedAt: now })
    .where(and(inArray(caseSlaTargets.id, unannounced), isNull(caseSlaTargets.breachNotifiedAt))).returning();
  for (const t of claimed) {
    await emitEvent(tx, SLA_ACTOR, 'sla.breached', t.caseId, { ...eventPayload(t), breachedAt: t.breachedAt?.toISOString() ?? null, answeredLate: t.completedAt !== null });
    result.breached++;
    // A clock answered late is announced for the record; nothing is left to chase on it.
    if (t.completedAt) continue;
    const { applied, kase } = await escalate(tx, t, 'BREACHED', now);
    result.escalations += applied;
    if (kase) changed.set(kase.id, kase);
  }
  return claimed.length;
}

/** Whether any clock is due to be announced at `now` (each branch an index range of case_sla_targets). */
async function hasDueWork(ctx: TenantContext, now: Date): Promise<boolean> {
  const active = eq(caseSlaTargets.status, 'ACTIVE');
  const [warn, breach, unannounced] = await Promise.all([
    ctx.data.db.select({ id: caseSlaTargets.id }).from(caseSlaTargets)
      .where(and(active, isNull(caseSlaTargets.warnedAt), lte(caseSlaTargets.warnAt, now))).limit(1).get(),
    ctx.data.db.select({ id: caseSlaTargets.id }).from(caseSlaTargets).where(and(active, lte(caseSlaTargets.dueAt, now))).limit(1).get(),
    ctx.data.db.select({ id: caseSlaTargets.id }).from(caseSlaTargets)
      .where(and(eq(caseSlaTargets.status, 'MISSED'), isNull(caseSlaTargets.breachNotifiedAt))).limit(1).get(),
  ]);
  return Boolean(warn || breach || unannounced);
}

/**
 * One SLA sweep of a tenant at `now` (injected, so tests need no waiting): clocks in their
 * warning window are announced as breaching soon, clocks past due become missed and are
 * announced as breached, each exactly once, with the policy's escalation rules applied in the
 * same transaction as the event. Live pages hear of escalated cases after the commit.
 */
export async function slaTick(ctx: TenantContext, now: Date): Promise<SlaTickResult> {
  const result: SlaTickResult = { breachingSoon: 0, breached: 0, escalations: 0 };
  // Most sweeps find nothing: a read on the indexes spares them the tenant's write queue.
  if (!(await hasDueWork(ctx, now))) return result;
  for (;;) {
    const changed = new Map<string, Case>();
    // Another process sweeping the same database may hold the write lock: retry, nothing was kept.
    const handled = await withBusyRetry(() => ctx.data.write(async (tx) => {
      const attempt: SlaTickResult = { breachingSoon: 0, breached: 0, escalations: 0 };
      changed.clear();
      const n = (await breachBatch(tx, now, attempt, changed)) + (await warnBatch(tx, now, attempt, changed));
      return { n, attempt };
    }));
    result.breachingSoon += handled.attempt.breachingSoon;
    result.breached += handled.attempt.breached;
    result.escalations += handled.attempt.escalations;
    for (const kase of changed.values()) liveEvents.publish(ctx.tenantId, { type: 'case.updated', customerId: kase.customerId, case: kase });
    if (handled.n === 0) return result;
  }
}
