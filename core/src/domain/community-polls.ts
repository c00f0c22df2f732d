import { and, asc, count, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { TenantDrizzle, TenantTx } from '../db/tenant-db.js';
import { communityPollOptions, communityPolls, communityPollVotes, customers } from '../db/tenant-schema.js';
import { AppError, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { parseInput } from '../lib/validate.js';
import { assertCanWrite, type TenantContext } from '../tenancy/context.js';
import { assertOpen, visibleThread, type ForumViewer } from './community.js';
import { emitEvent } from './outbox.js';
import { requireRow } from './rows.js';

export type CommunityPoll = typeof communityPolls.$inferSelect;
export type CommunityPollOption = typeof communityPollOptions.$inferSelect;

const label = z.string().trim().min(1).max(200);
export const createPollInput = z.object({
  threadId: z.string(),
  question: z.string().trim().min(1).max(300),
  options: z.array(label).min(2).max(10)
    .refine((o) => new Set(o.map((x) => x.toLowerCase())).size === o.length, 'each option once'),
  closesAt: z.coerce.date().refine((d) => !Number.isNaN(d.getTime()), 'not a date').nullish(),
});
export const votePollInput = z.object({ pollId: z.string(), optionId: z.string(), customerId: z.string() });

/** A poll's options with their vote counts, and how many voted in all. */
export interface PollResults {
  poll: CommunityPoll;
  options: (CommunityPollOption & { votes: number })[];
  totalVotes: number;
}

type Reader = TenantDrizzle | TenantTx;

/**
 * Adds a poll to a thread (one per thread: CONFLICT for a second); by the thread's author or a
 * moderator. A poll's options never change once people can vote on them.
 */
export async function createPoll(ctx: TenantContext, raw: unknown, viewer: ForumViewer, now = new Date()): Promise<CommunityPoll> {
  assertCanWrite(ctx);
  const input = parseInput(createPollInput, raw);
  if (input.closesAt && input.closesAt.getTime() <= now.getTime()) throw new AppError('BAD_USER_INPUT', 'closesAt must be in the future');
  return ctx.data.write(async (tx) => {
    const thread = await visibleThread(tx, input.threadId, viewer);
    const isAuthor = viewer.customerId !== null && viewer.customerId === thread.authorCustomerId;
    if (!isAuthor && !viewer.moderator) throw new AppError('FORBIDDEN', 'only the thread\'s author or a moderator adds a poll');
    assertOpen(thread);
    const poll: CommunityPoll = { id: newId(), threadId: thread.id, question: input.question, closesAt: input.closesAt ?? null, createdAt: now };
    const inserted = await tx.insert(communityPolls).values(poll).onConflictDoNothing().returning({ id: communityPolls.id });
    if (!inserted.length) throw new AppError('CONFLICT', 'this thread already has a poll');
    await tx.insert(communityPollOptions).values(input.options.map((l, position) => ({ id: newId(), pollId: poll.id, label: l, position })));
    await emitEvent(tx, ctx.actor, 'community.thread_poll_created', thread.id, { pollId: poll.id });
    return poll;
  });
}

/**
 * Records a customer's vote: one per customer per poll (ALREADY_VOTED for another, whatever
 * races: the primary key decides), not after the poll closed (CONFLICT) or its thread was locked.
 */
export async function votePoll(ctx: TenantContext, raw: unknown, viewer: ForumViewer, now = new Date()): Promise<PollResults> {
  assertCanWrite(ctx);
  const input = parseInput(votePollInput, raw);
  return ctx.data.write(async (tx) => {
    const poll = await requireRow(tx, communityPolls, input.pollId, 'CommunityPoll');
    assertOpen(await visibleThread(tx, poll.threadId, viewer));
    const option = await requireRow(tx, communityPollOptions, input.optionId, 'CommunityPollOption');
    if (option.pollId !== poll.id) throw notFound('CommunityPollOption');
    await requireRow(tx, customers, input.customerId, 'Customer');
    if (poll.closesAt && poll.closesAt.getTime() <= now.getTime()) throw new AppError('CONFLICT', 'this poll is closed');
    const inserted = await tx.insert(communityPollVotes).values({ pollId: poll.id, customerId: input.customerId, optionId: option.id, createdAt: now })
      .onConflictDoNothing().returning({ pollId: communityPollVotes.pollId });
    if (!inserted.length) throw new AppError('ALREADY_VOTED', 'this customer already voted in this poll');
    await emitEvent(tx, ctx.actor, 'community.thread_poll_voted', poll.threadId, { pollId: poll.id, optionId: option.id, customerId: input.customerId });
    return resultsOf(tx, poll);
  });
}

async function resultsOf(db: Reader, poll: CommunityPoll): Promise<PollResults> {
  const options = await db.select().from(communityPollOptions).where(eq(communityPollOptions.pollId, poll.id)).orderBy(asc(communityPollOptions.position));
  const counts = await db.select({ optionId: communityPollVotes.optionId, n: count() }).from(communityPollVotes)
    .where(eq(communityPollVotes.pollId, poll.id)).groupBy(communityPollVotes.optionId);
  const byOption = new Map(counts.map((c) => [c.optionId, c.n]));
  const withVotes = options.map((o) => ({ ...o, votes: byOption.get(o.id) ?? 0 }));
  return { poll, options: withVotes, totalVotes: withVotes.reduce((sum, o) => sum + o.votes, 0) };
}

/** A thread's poll with its results, or null when it has none (NOT_FOUND for a thread the viewer cannot see). */
export async function pollOfThread(ctx: TenantContext, threadId: string, viewer: ForumViewer): Promise<PollResults | null> {
  await visibleThread(ctx.data.db, threadId, viewer);
  const poll = await ctx.data.db.select().from(communityPolls).where(eq(communityPolls.threadId, threadId)).get();
  return poll ? resultsOf(ctx.data.db, poll) : null;
}

/** The option the customer voted for in a poll, if any. */
export async function myPollVote(ctx: TenantContext, pollId: string, customerId: string): Promise<string | null> {
  const row = await ctx.data.db.select({ optionId: communityPollVotes.optionId }).from(communityPollVotes)
    .where(and(eq(communityPollVotes.pollId, pollId), eq(communityPollVotes.customerId, customerId))).get();
  return row?.optionId ?? null;
}
