import { desc, eq } from 'drizzle-orm';
import type { TenantTx } from '../../db/tenant-db.js';
import { agents, cases, interactions, queues, type CHANNELS } from '../../db/tenant-schema.js';
import { newId } from '../../lib/ids.js';
import type { Case } from '../cases.js';
import type { Interaction } from '../interactions.js';
import { liveEvents } from '../live-events.js';
import { emitEvent } from '../outbox.js';
import { requireRow } from '../rows.js';
import { slaOnCaseUpdated, slaOnInteraction } from '../sla/targets.js';

/** The case fields a macro may set. */
export interface CaseChanges {
  status?: Case['status'];
  priority?: Case['priority'];
  queueId?: string | null;
  assigneeId?: string | null;
}

/**
 * Changes a case inside the caller's transaction, as `updateCase` does (referenced queue and
 * agent must exist, `case.updated` announced), so several changes can commit together.
 */
export async function changeCaseTx(tx: TenantTx, actor: string, current: Case, changes: CaseChanges, now: Date): Promise<Case> {
  if (changes.queueId) await requireRow(tx, queues, changes.queueId, 'Queue');
  if (changes.assigneeId) await requireRow(tx, agents, changes.assigneeId, 'Agent');
  const set = { ...changes, updatedAt: now };
  await tx.update(cases).set(set).where(eq(cases.id, current.id));
  const updated: Case = { ...current, ...set };
  await slaOnCaseUpdated(tx, current, updated);
  await emitEvent(tx, actor, 'case.updated', current.id, { fields: Object.keys(changes), status: updated.status });
  return updated;
}

type Channel = (typeof CHANNELS)[number];

/**
 * The channel a reply on a case goes out on: the case's own, else the channel its customer last
 * wrote on, else email.
 */
async function replyChannel(tx: TenantTx, kase: Case): Promise<Channel> {
  if (kase.channel) return kase.channel;
  const last = await tx.select({ channel: interactions.channel }).from(interactions)
    .where(eq(interactions.caseId, kase.id)).orderBy(desc(interactions.occurredAt), desc(interactions.id)).get();
  return last?.channel ?? 'EMAIL';
}

/**
 * Records an agent's reply on a case as an OUTBOUND interaction inside the caller's transaction
 * and announces it (`interaction.added`); delivering it is the channel plugins' business.
 */
export async function recordReplyTx(
  tx: TenantTx, actor: string, kase: Case, reply: { body: string; subject?: string | null; agentId: string | null; channel?: Channel | null }, now: Date,
): Promise<Interaction> {
  // returning(): the row as stored, with whatever columns other features give an interaction by default.
  const [row] = await tx.insert(interactions).values({
    id: newId(),
    customerId: kase.customerId,
    caseId: kase.id,
    channel: reply.channel ?? await replyChannel(tx, kase),
    direction: 'OUTBOUND',
    subject: reply.subject ?? null,
    body: reply.body,
    agentId: reply.agentId,
    occurredAt: now,
    createdAt: now,
  }).returning();
  if (!row) throw new Error('the interaction insert returned nothing');
  await emitEvent(tx, actor, 'interaction.added', row.id, { customerId: row.customerId, caseId: row.caseId, channel: row.channel, direction: row.direction });
  await slaOnInteraction(tx, row, kase);
  return row;
}

/** Tells live subscribers (console pages, subscriptions) what a committed transaction changed. */
export function announceCaseWrites(tenantId: string, kase: Case, changed: boolean, replies: readonly Interaction[]): void {
  if (changed) liveEvents.publish(tenantId, { type: 'case.updated', customerId: kase.customerId, case: kase });
  for (const interaction of replies) liveEvents.publish(tenantId, { type: 'interaction.added', customerId: interaction.customerId, interaction });
  if (replies.length) liveEvents.publish(tenantId, { type: 'case.replied', customerId: kase.customerId, case: kase });
}
