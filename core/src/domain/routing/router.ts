/**
 * The router: picks an agent for a work item and claims the work with a conditional write, so
 * no item is offered or assigned twice and no agent goes over capacity, whether the competing
 * router runs in this process or in another one against the same database.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { cases, queueRouting, routingWorkItems } from '../../db/tenant-schema.js';
import type { TenantTx } from '../../db/tenant-db.js';
import { AppError } from '../../lib/errors.js';
import type { TenantContext } from '../../tenancy/context.js';
import type { Case } from '../cases.js';
import { liveEvents } from '../live-events.js';
import { emitEvent } from '../outbox.js';
import { requireRow } from '../rows.js';
import { effectiveRouting, loadChannelWeights, RoutingConflict, weightOf, type ChannelWeights, type EffectiveRouting } from './config.js';
import { recordDecision } from './decisions.js';
import { rankCandidates, requirementsAfterWait, type CandidateAgent } from './ranking.js';
import { claimAssignment, claimOffer, loadCandidates, markBusyNow, weightCase, withBusyRetry } from './store.js';

export type WorkItem = typeof routingWorkItems.$inferSelect;
const OPEN = new Set(['NEW', 'OPEN', 'PENDING']);

export async function getWorkItem(tx: TenantTx | TenantContext['data']['db'], caseId: string): Promise<WorkItem | null> {
  const [row] = await tx.select().from(routingWorkItems).where(eq(routingWorkItems.caseId, caseId)).limit(1);
  return row ?? null;
}

/** Puts an item for the case in its queue's line (or back in it), keeping its age unless told otherwise. */
export async function putInLine(
  tx: TenantTx, kase: Pick<Case, 'id' | 'queueId' | 'channel'>, weights: ChannelWeights, now: Date,
  opts: { excluded?: string[]; restartAge?: boolean } = {},
): Promise<void> {
  const current = await getWorkItem(tx, kase.id);
  const fields = {
    queueId: kase.queueId, state: 'WAITING' as const, weight: weightOf(weights, kase.channel), agentId: null, offeredAt: null,
    offerExpiresAt: null, assignedAt: null, escalatedAt: null, excludedAgentIds: opts.excluded ?? [],
  };
  if (!current) {
    await tx.insert(routingWorkItems).values({ caseId: kase.id, ...fields, enqueuedAt: now, version: 0 });
    return;
  }
  await tx.update(routingWorkItems)
    .set({ ...fields, enqueuedAt: opts.restartAge ? now : current.enqueuedAt, version: current.version + 1 })
    .where(eq(routingWorkItems.caseId, kase.id));
}

/** Marks the case's item assigned to `agentId` from `now` (the return timer starts here). */
export async function markAssigned(tx: TenantTx, kase: Pick<Case, 'id' | 'queueId' | 'channel'>, agentId: string, weights: ChannelWeights, now: Date): Promise<void> {
  const fields = {
    queueId: kase.queueId, state: 'ASSIGNED' as const, weight: weightOf(weights, kase.channel), agentId, offeredAt: null,
    offerExpiresAt: null, assignedAt: now, escalatedAt: null,
  };
  await tx.insert(routingWorkItems).values({ caseId: kase.id, ...fields, enqueuedAt: now, excludedAgentIds: [], version: 0 })
    .onConflictDoUpdate({ target: routingWorkItems.caseId, set: { ...fields, version: sql`${routingWorkItems.version} + 1` } });
}

/** Announces an assignment: outbox events in the transaction, the live update after commit (caller). */
export async function announceAssignment(tx: TenantTx, actor: string, kase: Case, agentId: string, how: string): Promise<void> {
  await emitEvent(tx, actor, 'case.assigned', kase.id, { agentId, how, customerId: kase.customerId });
  await emitEvent(tx, actor, 'case.updated', kase.id, { fields: ['assigneeId', 'status'], status: kase.status });
}

/**
 * Assigns the case now to the best agent for its queue (what routeCase does), recording why.
 * CONFLICT, with nothing written, when nobody qualifies.
 */
export async function assignCaseNow(ctx: TenantContext, caseId: string, now = new Date()): Promise<Case> {
  const assigned = await withBusyRetry(() => ctx.data.write(async (tx) => {
    const kase = await requireRow(tx, cases, caseId, 'Case');
    if (!OPEN.has(kase.status)) throw new AppError('CONFLICT', 'a solved or closed case is not routed');
    const routing = await effectiveRouting(tx, kase.queueId);
    const weights = await loadChannelWeights(tx);
    const weight = weightOf(weights, kase.channel);
    const item = await getWorkItem(tx, caseId);
    const { required, dropped } = requirementsAfterWait(routing.skills, routing.skillDropSeconds, now.getTime() - (item?.enqueuedAt ?? kase.createdAt).getTime());
    const candidates = await loadCandidates(tx, weights);
    const choice = rankCandidates(candidates, required, weight, new Set(item?.excludedAgentIds ?? []));
    // The transaction holds the write lock, so the first claim holds; the check is in the UPDATE regardless.
    const winner = await firstClaimed(choice.ranked, (a) => claimAssignment(tx, weights, kase, a.agentId, weight, now));
    if (!winner) throw new AppError('CONFLICT', 'no online agent with the needed skill has spare capacity');
    const updated: Case = { ...kase, assigneeId: winner.agentId, status: kase.status === 'NEW' ? 'OPEN' : kase.status, updatedAt: now };
    await markAssigned(tx, updated, winner.agentId, weights, now);
    await markBusyNow(tx, winner.agentId, now);
    await recordDecision(tx, { caseId, queueId: kase.queueId, kind: 'ASSIGN', agentId: winner.agentId, weight, required, dropped, choice, actor: ctx.actor, now });
    await announceAssignment(tx, ctx.actor, updated, winner.agentId, 'ROUTED');
    return updated;
  }));
  liveEvents.publish(ctx.tenantId, { type: 'case.updated', customerId: assigned.customerId, case: assigned });
  return assigned;
}

async function firstClaimed(ranked: CandidateAgent[], claim: (a: CandidateAgent) => Promise<boolean>): Promise<CandidateAgent | null> {
  for (const agent of ranked) if (await claim(agent)) return agent;
  return null;
}

interface WaitingRow { item: WorkItem; routing: EffectiveRouting }

/** Waiting items of configured queues, in service order: queue priority, then age. */
async function waitingInOrder(ctx: TenantContext, limit: number): Promise<WaitingRow[]> {
  const rows = await ctx.data.db.select({ item: routingWorkItems, routing: queueRouting }).from(routingWorkItems)
    .innerJoin(queueRouting, eq(queueRouting.queueId, routingWorkItems.queueId))
    .where(eq(routingWorkItems.state, 'WAITING'))
    .orderBy(asc(queueRouting.priority), asc(routingWorkItems.enqueuedAt), asc(routingWorkItems.caseId)).limit(limit);
  return rows.map((r) => ({ item: r.item, routing: { ...r.routing, queueId: r.routing.queueId } }));
}

export interface OfferRound {
  /** Offers made. */
  offered: number;
  /** Items looked at that nobody could take now. */
  unmatched: number;
}

/**
 * Offers waiting items to agents, best first, one conditional write per offer. The agents are read
 * once per round and kept current in memory as offers are made; a claim that fails because another
 * router moved first rereads them. Stops early once no agent has room left.
 */
export async function offerWaitingItems(ctx: TenantContext, now = new Date(), limit = 500): Promise<OfferRound> {
  const weights = await loadChannelWeights(ctx.data.db);
  let agents = await loadCandidates(ctx.data.db, weights);
  const round: OfferRound = { offered: 0, unmatched: 0 };
  for (const { item, routing } of await waitingInOrder(ctx, limit)) {
    if (agents.length === 0) break;
    const { required, dropped } = requirementsAfterWait(routing.skills, routing.skillDropSeconds, now.getTime() - item.enqueuedAt.getTime());
    const choice = rankCandidates(agents, required, item.weight, new Set(item.excludedAgentIds));
    const winner = choice.ranked[0];
    if (!winner) { round.unmatched++; continue; }
    try {
      await withBusyRetry(() => ctx.data.write(async (tx) => {
        const expires = new Date(now.getTime() + routing.offerTimeoutSeconds * 1000);
        if (!(await claimOffer(tx, weights, item, winner.agentId, now, expires))) throw new RoutingConflict('the item or the agent changed');
        await markBusyNow(tx, winner.agentId, now);
        await recordDecision(tx, { caseId: item.caseId, queueId: item.queueId, kind: 'OFFER', agentId: winner.agentId, weight: item.weight, required, dropped, choice, actor: ctx.actor, now });
        await emitEvent(tx, ctx.actor, 'routing.offered', item.caseId, { agentId: winner.agentId, queueId: item.queueId, expiresAt: expires.toISOString(), rule: choice.rule });
      }));
      round.offered++;
      winner.loadUnits += item.weight;
      winner.idleSince = now.getTime();
      if (winner.loadUnits >= winner.capacityUnits) agents = agents.filter((a) => a !== winner);
    } catch (err) {
      if (!(err instanceof RoutingConflict)) throw err;
      agents = await loadCandidates(ctx.data.db, weights);
    }
  }
  return round;
}

const UNQUEUED_CASES_SQL = sql`from cases c join queue_routing q on q.queue_id = c.queue_id
  where c.assignee_id is null and c.status in ('NEW','OPEN','PENDING')
    and not exists (select 1 from routing_work_items w where w.case_id = c.id)`;

/** Opens work items for unassigned open cases of configured queues that have none (intake, imports). */
export async function enqueueNewCases(ctx: TenantContext, weights: ChannelWeights, limit = 1000): Promise<number> {
  // Read first: most sweeps find nothing and need not take the write lock.
  if ((await ctx.data.db.all(sql`select c.id ${UNQUEUED_CASES_SQL} limit 1`)).length === 0) return 0;
  return withBusyRetry(() => ctx.data.write(async (tx) => {
    const result = await tx.run(sql`insert into routing_work_items (case_id, queue_id, state, weight, enqueued_at, excluded_agent_ids, version)
      select c.id, c.queue_id, 'WAITING', ${weightCase(weights, 'c')}, c.created_at, '[]', 0 ${UNQUEUED_CASES_SQL} limit ${limit}`);
    return Number(result.rowsAffected ?? 0);
  }));
}

/** The items offered to an agent and still open. */
export function offersOf(ctx: TenantContext, agentId: string): Promise<WorkItem[]> {
  return ctx.data.db.select().from(routingWorkItems)
    .where(and(eq(routingWorkItems.agentId, agentId), eq(routingWorkItems.state, 'OFFERED')))
    .orderBy(asc(routingWorkItems.offeredAt), asc(routingWorkItems.caseId)).limit(100);
}
