import { and, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { agents, cases, communityPosts, communityThreads, customers, queues, CASE_PRIORITIES } from '../db/tenant-schema.js';
import { AppError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { parseInput } from '../lib/validate.js';
import { assertCanWrite, type TenantContext } from '../tenancy/context.js';
import { nextCaseNumber, type Case } from './cases.js';
import { openingPostId, visibleThread, staffViewer, type CommunityThread } from './community.js';
import { liveEvents } from './live-events.js';
import { emitEvent } from './outbox.js';
import { requireRow } from './rows.js';
import { slaOnCaseCreated } from './sla/targets.js';

export const takeThreadPrivateInput = z.object({
  threadId: z.string(),
  /** The case's subject; the thread's title when omitted. */
  subject: z.string().trim().min(1).max(300).nullish(),
  priority: z.enum(CASE_PRIORITIES).default('NORMAL'),
  queueId: z.string().nullish(),
  assigneeId: z.string().nullish(),
});

/**
 * Takes a public thread private in one transaction: opens a case for the thread's author (its
 * description is the opening post), links the thread to it (the case finds the thread by the same
 * link) and announces both. A thread goes private once (CONFLICT after); a thread an agent started
 * has no customer to open a case for (BAD_USER_INPUT). Staff only.
 */
export async function takeThreadPrivate(ctx: TenantContext, raw: unknown): Promise<{ thread: CommunityThread; case: Case }> {
  assertCanWrite(ctx);
  const input = parseInput(takeThreadPrivateInput, raw);
  const result = await ctx.data.write(async (tx) => {
    const thread = await visibleThread(tx, input.threadId, staffViewer(ctx));
    if (thread.caseId) throw new AppError('CONFLICT', 'this thread was already taken to a private case');
    if (!thread.authorCustomerId) throw new AppError('BAD_USER_INPUT', 'an agent started this thread: there is no customer to open a case for');
    const customer = await requireRow(tx, customers, thread.authorCustomerId, 'Customer');
    const ownerId = customer.status === 'MERGED' && customer.mergedIntoId ? customer.mergedIntoId : customer.id;
    if (input.queueId) await requireRow(tx, queues, input.queueId, 'Queue');
    if (input.assigneeId) await requireRow(tx, agents, input.assigneeId, 'Agent');
    const openingId = await openingPostId(tx, thread.id);
    const opening = openingId ? await requireRow(tx, communityPosts, openingId, 'CommunityPost') : undefined;
    const now = new Date();
    // returning(): the row as stored, with whatever columns other features give a case by default.
    const [kase] = await tx.insert(cases).values({
      id: newId(),
      number: await nextCaseNumber(tx),
      customerId: ownerId,
      subject: input.subject ?? thread.title,
      description: opening ? opening.body.slice(0, 20_000) : null,
      status: 'NEW',
      priority: input.priority,
      channel: 'PORTAL',
      queueId: input.queueId ?? null,
      assigneeId: input.assigneeId ?? null,
      createdAt: now,
      updatedAt: now,
    }).returning();
    if (!kase) throw new Error('the case insert returned nothing');
    await slaOnCaseCreated(tx, kase);
    // Conditional: of two concurrent takes, one links the thread and the other writes nothing.
    const linked = await tx.update(communityThreads).set({ caseId: kase.id })
      .where(and(eq(communityThreads.id, thread.id), isNull(communityThreads.caseId))).returning({ caseId: communityThreads.caseId });
    if (!linked.length) throw new AppError('CONFLICT', 'this thread was already taken to a private case');
    await emitEvent(tx, ctx.actor, 'case.created', kase.id, { number: kase.number, customerId: kase.customerId, priority: kase.priority, threadId: thread.id });
    await emitEvent(tx, ctx.actor, 'community.thread_taken_private', thread.id, { caseId: kase.id });
    return { thread: { ...thread, caseId: kase.id }, case: kase };
  });
  liveEvents.publish(ctx.tenantId, { type: 'case.created', customerId: result.case.customerId, case: result.case });
  return result;
}

/** The community thread a case was taken from, if any. */
export async function threadOfCase(ctx: TenantContext, caseId: string): Promise<CommunityThread | null> {
  return (await threadsOfCases(ctx, [caseId])).get(caseId) ?? null;
}

/** The threads many cases were taken from (for a DataLoader), keyed by case id. */
export async function threadsOfCases(ctx: TenantContext, caseIds: readonly string[]): Promise<Map<string, CommunityThread>> {
  const rows = caseIds.length ? await ctx.data.db.select().from(communityThreads).where(inArray(communityThreads.caseId, [...caseIds])) : [];
  return new Map(rows.map((t) => [t.caseId!, t]));
}
