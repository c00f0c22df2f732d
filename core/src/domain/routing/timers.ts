/**
 * Routing's clock-driven work, run by `sweepRouting(ctx, now)`: offers past their time go to the
 * next agent, silent assignees lose their cases per their queue's return rule, new cases of
 * configured queues get in line, and waiting items are offered. Every step is a conditional
 * write, so any number of processes may sweep the same tenant at once.
 */
import { and, eq, lte, sql } from 'drizzle-orm';
import { cases, routingWorkItems } from '../../db/tenant-schema.js';
import type { TenantContext } from '../../tenancy/context.js';
import type { Case } from '../cases.js';
import { liveEvents } from '../live-events.js';
import { emitEvent } from '../outbox.js';
import { applySlaPolicy } from '../sla/targets.js';
import { loadChannelWeights } from './config.js';
import { backInLine } from './offers.js';
import { enqueueNewCases, getWorkItem, offerWaitingItems, putInLine, type OfferRound } from './router.js';
import { withBusyRetry } from './store.js';

export interface SweepReport extends OfferRound {
  expired: number;
  returned: number;
  escalated: number;
  enqueued: number;
  cleared: number;
}

/** Offers whose time ran out go back in line without the agent who let them lapse. */
export async function expireOffers(ctx: TenantContext, now: Date): Promise<number> {
  const due = await ctx.data.db.select().from(routingWorkItems)
    .where(and(eq(routingWorkItems.state, 'OFFERED'), lte(routingWorkItems.offerExpiresAt, now))).limit(500);
  let expired = 0;
  for (const item of due) {
    const moved = await withBusyRetry(() => ctx.data.write(async (tx) => {
      if (!(await backInLine(tx, item, item.agentId!))) return false; // someone else moved it first
      await emitEvent(tx, ctx.actor, 'routing.offer_expired', item.caseId, { agentId: item.agentId, offeredAt: item.offeredAt?.toISOString() ?? null });
      return true;
    }));
    if (moved) expired++;
  }
  return expired;
}

const STALE_ITEM_SQL = sql`select w.case_id from routing_work_items w join cases c on c.id = w.case_id
  where c.status not in ('NEW','OPEN','PENDING')
    or (w.state = 'ASSIGNED' and c.assignee_id is not w.agent_id)
    or (w.state <> 'ASSIGNED' and c.assignee_id is not null)
  limit 1000`;

/** Items whose case was closed, or assigned or unassigned outside routing, no longer need tracking. */
async function clearStaleItems(ctx: TenantContext): Promise<number> {
  // Read first: most sweeps find nothing and need not take the write lock.
  if ((await ctx.data.db.all(STALE_ITEM_SQL)).length === 0) return 0;
  return withBusyRetry(() => ctx.data.write(async (tx) => {
    const result = await tx.run(sql`delete from routing_work_items where case_id in (${STALE_ITEM_SQL})`);
    return Number(result.rowsAffected ?? 0);
  }));
}

interface SilentRow {
  case_id: string;
  agent_id: string;
  version: number;
  return_action: 'REROUTE' | 'FALLBACK_QUEUE' | 'ESCALATE';
  fallback_queue_id: string | null;
}

/**
 * The return timer: an assigned case whose assignee sent nothing on it (no OUTBOUND interaction
 * of theirs since the assignment) for the queue's `returnAfterMinutes` goes back to routing,
 * moves to the fallback queue, or is escalated to a supervisor (an event), as the queue says.
 */
export async function returnSilentAssignments(ctx: TenantContext, now: Date): Promise<{ returned: number; escalated: number }> {
  const silent = await ctx.data.db.all<SilentRow>(sql`
    select w.case_id, w.agent_id, w.version, q.return_action, q.fallback_queue_id
    from routing_work_items w
      join queue_routing q on q.queue_id = w.queue_id
      join cases c on c.id = w.case_id
    where w.state = 'ASSIGNED' and w.escalated_at is null and q.return_after_minutes is not null
      and w.assigned_at + q.return_after_minutes * 60000 <= ${now.getTime()}
      and c.assignee_id = w.agent_id and c.status in ('NEW','OPEN','PENDING')
      and not exists (select 1 from interactions i where i.case_id = w.case_id and i.direction = 'OUTBOUND'
        and i.agent_id = w.agent_id and i.occurred_at >= w.assigned_at)
    limit 500`);
  const report = { returned: 0, escalated: 0 };
  for (const row of silent) {
    const outcome = await withBusyRetry(() => ctx.data.write(async (tx): Promise<Case | 'escalated' | null> => {
      const item = await getWorkItem(tx, row.case_id);
      if (!item || item.version !== row.version || item.state !== 'ASSIGNED') return null;
      if (row.return_action === 'ESCALATE') {
        await tx.update(routingWorkItems).set({ escalatedAt: now, version: item.version + 1 }).where(eq(routingWorkItems.caseId, item.caseId));
        await emitEvent(tx, ctx.actor, 'routing.escalated', item.caseId, { agentId: row.agent_id, queueId: item.queueId, reason: 'NO_REPLY', assignedAt: item.assignedAt?.toISOString() ?? null });
        return 'escalated';
      }
      const queueId = row.return_action === 'FALLBACK_QUEUE' && row.fallback_queue_id ? row.fallback_queue_id : item.queueId;
      const [kase] = await tx.update(cases).set({ assigneeId: null, queueId, updatedAt: now })
        .where(and(eq(cases.id, item.caseId), eq(cases.assigneeId, row.agent_id))).returning();
      if (!kase) return null;
      if (queueId !== item.queueId) await applySlaPolicy(tx, kase, now);
      await putInLine(tx, kase, await loadChannelWeights(tx), now, {
        excluded: [...item.excludedAgentIds, row.agent_id], restartAge: queueId !== item.queueId,
      });
      await emitEvent(tx, ctx.actor, 'case.returned', item.caseId, { agentId: row.agent_id, action: row.return_action, queueId });
      await emitEvent(tx, ctx.actor, 'case.updated', item.caseId, { fields: ['assigneeId', 'queueId'], status: kase.status });
      return kase;
    }));
    if (outcome === 'escalated') report.escalated++;
    else if (outcome) {
      report.returned++;
      liveEvents.publish(ctx.tenantId, { type: 'case.updated', customerId: outcome.customerId, case: outcome });
    }
  }
  return report;
}

/** One routing pass over a tenant at `now`. */
export async function sweepRouting(ctx: TenantContext, now = new Date()): Promise<SweepReport> {
  const expired = await expireOffers(ctx, now);
  const { returned, escalated } = await returnSilentAssignments(ctx, now);
  const cleared = await clearStaleItems(ctx);
  const enqueued = await enqueueNewCases(ctx, await loadChannelWeights(ctx.data.db));
  const round = await offerWaitingItems(ctx, now);
  return { expired, returned, escalated, enqueued, cleared, ...round };
}
