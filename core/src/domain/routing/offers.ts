import { and, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { cases, routingWorkItems } from '../../db/tenant-schema.js';
import type { TenantTx } from '../../db/tenant-db.js';
import { AppError } from '../../lib/errors.js';
import { parseInput } from '../../lib/validate.js';
import { assertCanWrite, type TenantContext } from '../../tenancy/context.js';
import type { Case } from '../cases.js';
import { liveEvents } from '../live-events.js';
import { emitEvent } from '../outbox.js';
import { requireRow } from '../rows.js';
import { loadChannelWeights, RoutingConflict } from './config.js';
import { announceAssignment, getWorkItem, markAssigned, type WorkItem } from './router.js';
import { withBusyRetry } from './store.js';

export const DECLINE_REASONS = ['BUSY', 'NOT_MY_SKILL', 'CONFLICT_OF_INTEREST', 'OTHER'] as const;
export const declineInput = z.object({
  reason: z.enum(DECLINE_REASONS),
  note: z.string().trim().max(500).nullish(),
});

/** The open offer of the case to the caller (an admin: to whoever it was offered), else NOT_FOUND. */
async function openOfferFor(ctx: TenantContext, tx: TenantTx, caseId: string): Promise<WorkItem> {
  const item = await getWorkItem(tx, caseId);
  const mine = item && item.state === 'OFFERED' && item.agentId && (ctx.role === 'admin' || item.agentId === ctx.agentId);
  // A foreign case, a missing one and someone else's offer look the same.
  if (!mine) throw new AppError('NOT_FOUND', 'no offer of this case is open for you');
  return item;
}

/**
 * The offered agent takes the case: it is assigned to them and the return timer starts. An
 * offer past its time is OFFER_EXPIRED (the sweep gives it to the next agent).
 */
export async function acceptOffer(ctx: TenantContext, caseId: string, now = new Date()): Promise<Case> {
  assertCanWrite(ctx);
  const accepted = await withBusyRetry(() => ctx.data.write(async (tx) => {
    const item = await openOfferFor(ctx, tx, caseId);
    if (item.offerExpiresAt && item.offerExpiresAt.getTime() <= now.getTime()) throw new AppError('OFFER_EXPIRED', 'this offer ran out; the case goes to the next agent');
    const agentId = item.agentId!;
    const kase = await requireRow(tx, cases, caseId, 'Case');
    const result = await tx.update(cases)
      .set({ assigneeId: agentId, status: kase.status === 'NEW' ? 'OPEN' : kase.status, updatedAt: now })
      .where(and(eq(cases.id, caseId), isNull(cases.assigneeId), sql`${cases.status} in ('NEW','OPEN','PENDING')`));
    if (Number(result.rowsAffected) !== 1) throw new RoutingConflict('the case was assigned or closed meanwhile');
    const updated: Case = { ...kase, assigneeId: agentId, status: kase.status === 'NEW' ? 'OPEN' : kase.status, updatedAt: now };
    await markAssigned(tx, updated, agentId, await loadChannelWeights(tx), now);
    await emitEvent(tx, ctx.actor, 'routing.accepted', caseId, { agentId, offeredAt: item.offeredAt?.toISOString() ?? null });
    await announceAssignment(tx, ctx.actor, updated, agentId, 'OFFER_ACCEPTED');
    return updated;
  }));
  liveEvents.publish(ctx.tenantId, { type: 'case.updated', customerId: accepted.customerId, case: accepted });
  return accepted;
}

/** The offered agent says no, with a reason; the item goes back in line without them. */
export async function declineOffer(ctx: TenantContext, caseId: string, raw: unknown): Promise<Case> {
  assertCanWrite(ctx);
  const input = parseInput(declineInput, raw);
  return withBusyRetry(() => ctx.data.write(async (tx) => {
    const item = await openOfferFor(ctx, tx, caseId);
    await backInLine(tx, item, item.agentId!);
    await emitEvent(tx, ctx.actor, 'routing.declined', caseId, { agentId: item.agentId, reason: input.reason, note: input.note ?? null });
    return requireRow(tx, cases, caseId, 'Case');
  }));
}

/** Moves an offered item back to WAITING (conditional on its version), excluding `agentId`. */
export async function backInLine(tx: TenantTx, item: WorkItem, agentId: string): Promise<boolean> {
  const result = await tx.update(routingWorkItems).set({
    state: 'WAITING', agentId: null, offeredAt: null, offerExpiresAt: null,
    excludedAgentIds: [...new Set([...item.excludedAgentIds, agentId])], version: item.version + 1,
  }).where(and(eq(routingWorkItems.caseId, item.caseId), eq(routingWorkItems.version, item.version)));
  return Number(result.rowsAffected) === 1;
}
