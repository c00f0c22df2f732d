/** Handing a case on: transfer to an agent or a queue, release back to routing, invite an expert. */
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { agents, caseParticipants, cases, queues } from '../../db/tenant-schema.js';
import type { TenantTx } from '../../db/tenant-db.js';
import { AppError } from '../../lib/errors.js';
import { parseInput } from '../../lib/validate.js';
import { assertCanWrite, type TenantContext } from '../../tenancy/context.js';
import type { Case } from '../cases.js';
import { liveEvents } from '../live-events.js';
import { emitEvent } from '../outbox.js';
import { requireRow } from '../rows.js';
import { slaOnCaseUpdated } from '../sla/targets.js';
import { loadChannelWeights, weightOf } from './config.js';
import { recordDecision } from './decisions.js';
import { announceAssignment, getWorkItem, markAssigned, putInLine } from './router.js';
import { claimAssignment, loadCandidates, markBusyNow, withBusyRetry } from './store.js';

export type CaseParticipant = typeof caseParticipants.$inferSelect;

export const transferInput = z.object({
  toAgentId: z.string().min(1).max(100).nullish(),
  toQueueId: z.string().min(1).max(100).nullish(),
}).refine((v) => !!v.toAgentId !== !!v.toQueueId, 'give exactly one of toAgentId and toQueueId');

/** The case, if the caller may hand it on: its assignee, or an admin. */
async function caseToHandOn(ctx: TenantContext, tx: TenantTx, caseId: string): Promise<Case> {
  const kase = await requireRow(tx, cases, caseId, 'Case');
  if (ctx.role !== 'admin' && (!ctx.agentId || kase.assigneeId !== ctx.agentId)) {
    throw new AppError('FORBIDDEN', 'only the case\'s assignee or an admin hands it on');
  }
  if (kase.status === 'SOLVED' || kase.status === 'CLOSED') throw new AppError('CONFLICT', 'a solved or closed case is not handed on');
  return kase;
}

function publish(ctx: TenantContext, kase: Case): Case {
  liveEvents.publish(ctx.tenantId, { type: 'case.updated', customerId: kase.customerId, case: kase });
  return kase;
}

/**
 * Transfers the case to an agent (assigned at once if they are available with room for it, else
 * AGENT_AT_CAPACITY) or to a queue (unassigned, in that queue's line from now).
 */
export async function transferCase(ctx: TenantContext, caseId: string, raw: unknown, now = new Date()): Promise<Case> {
  assertCanWrite(ctx);
  const input = parseInput(transferInput, raw);
  const moved = await withBusyRetry(() => ctx.data.write(async (tx) => {
    const kase = await caseToHandOn(ctx, tx, caseId);
    const weights = await loadChannelWeights(tx);
    if (input.toAgentId) {
      const target = await requireRow(tx, agents, input.toAgentId, 'Agent');
      if (target.id === kase.assigneeId) throw new AppError('CONFLICT', 'the case is already assigned to this agent');
      const weight = weightOf(weights, kase.channel);
      if (!(await claimAssignment(tx, weights, kase, target.id, weight, now))) {
        throw new AppError('AGENT_AT_CAPACITY', 'that agent is not available or has no room for this case');
      }
      const updated: Case = { ...kase, assigneeId: target.id, status: kase.status === 'NEW' ? 'OPEN' : kase.status, updatedAt: now };
      await markAssigned(tx, updated, target.id, weights, now);
      await markBusyNow(tx, target.id, now);
      const seen = await loadCandidates(tx, weights, [target.id]);
      await recordDecision(tx, {
        caseId, queueId: kase.queueId, kind: 'TRANSFER', agentId: target.id, weight, required: [], dropped: [],
        choice: { ranked: seen, rule: 'TRANSFER' }, actor: ctx.actor, now,
      });
      await emitEvent(tx, ctx.actor, 'case.transferred', caseId, { fromAgentId: kase.assigneeId, toAgentId: target.id, toQueueId: null });
      await announceAssignment(tx, ctx.actor, updated, target.id, 'TRANSFERRED');
      return updated;
    }
    const queue = await requireRow(tx, queues, input.toQueueId!, 'Queue');
    const updated: Case = { ...kase, queueId: queue.id, assigneeId: null, updatedAt: now };
    await tx.update(cases).set({ queueId: queue.id, assigneeId: null, updatedAt: now }).where(eq(cases.id, caseId));
    await slaOnCaseUpdated(tx, kase, updated);
    await putInLine(tx, updated, weights, now, { restartAge: true });
    await emitEvent(tx, ctx.actor, 'case.transferred', caseId, { fromAgentId: kase.assigneeId, toAgentId: null, toQueueId: queue.id });
    await emitEvent(tx, ctx.actor, 'case.updated', caseId, { fields: ['queueId', 'assigneeId'], status: updated.status });
    return updated;
  }));
  return publish(ctx, moved);
}

/** The assignee gives the case back: unassigned and in its queue's line again, not offered to them. */
export async function releaseCase(ctx: TenantContext, caseId: string, now = new Date()): Promise<Case> {
  assertCanWrite(ctx);
  const released = await withBusyRetry(() => ctx.data.write(async (tx) => {
    const kase = await caseToHandOn(ctx, tx, caseId);
    if (!kase.assigneeId) throw new AppError('CONFLICT', 'the case is not assigned to anyone');
    const updated: Case = { ...kase, assigneeId: null, updatedAt: now };
    await tx.update(cases).set({ assigneeId: null, updatedAt: now }).where(eq(cases.id, caseId));
    const item = await getWorkItem(tx, caseId);
    await putInLine(tx, updated, await loadChannelWeights(tx), now, { excluded: [...(item?.excludedAgentIds ?? []), kase.assigneeId] });
    await emitEvent(tx, ctx.actor, 'case.released', caseId, { agentId: kase.assigneeId });
    await emitEvent(tx, ctx.actor, 'case.updated', caseId, { fields: ['assigneeId'], status: updated.status });
    return updated;
  }));
  return publish(ctx, released);
}

/** Invites an expert to help on the case; the assignee stays its owner. */
export async function inviteExpert(ctx: TenantContext, caseId: string, expertId: string, now = new Date()): Promise<CaseParticipant> {
  assertCanWrite(ctx);
  return withBusyRetry(() => ctx.data.write(async (tx) => {
    const kase = await caseToHandOn(ctx, tx, caseId);
    await requireRow(tx, agents, expertId, 'Agent');
    if (kase.assigneeId === expertId) throw new AppError('CONFLICT', 'the assignee already owns this case; invite someone else');
    const [already] = await tx.select().from(caseParticipants)
      .where(and(eq(caseParticipants.caseId, caseId), eq(caseParticipants.agentId, expertId))).limit(1);
    if (already) throw new AppError('CONFLICT', 'this agent was already invited to the case');
    const row: CaseParticipant = { caseId, agentId: expertId, invitedBy: ctx.actor, createdAt: now };
    await tx.insert(caseParticipants).values(row);
    await emitEvent(tx, ctx.actor, 'case.expert_invited', caseId, { agentId: expertId, ownerId: kase.assigneeId });
    return row;
  }));
}

/** The experts invited to a case, in invitation order. */
export function participantsOf(ctx: TenantContext, caseId: string): Promise<CaseParticipant[]> {
  return ctx.data.db.select().from(caseParticipants).where(eq(caseParticipants.caseId, caseId)).orderBy(caseParticipants.createdAt).limit(100);
}
