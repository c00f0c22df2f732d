import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { TenantTx } from '../db/tenant-db.js';
import { communityModerators, communityPollVotes, communityPosts, communityThreads, customers } from '../db/tenant-schema.js';
import { AppError } from '../lib/errors.js';
import { parseInput } from '../lib/validate.js';
import { assertAdmin, assertCanWrite, type TenantContext } from '../tenancy/context.js';
import { assertOpen, openingPostId, visiblePost, visibleThread, type CommunityPost, type CommunityThread, type ForumViewer } from './community.js';
import { emitEvent } from './outbox.js';
import { requireRow } from './rows.js';

export const setHiddenInput = z.object({ id: z.string(), hidden: z.boolean() });
export const setLockedInput = z.object({ threadId: z.string(), locked: z.boolean() });
export const acceptAnswerInput = z.object({ threadId: z.string(), postId: z.string().nullable() });
export const setModeratorInput = z.object({ customerId: z.string(), moderator: z.boolean() });

function assertModerator(viewer: ForumViewer): void {
  if (!viewer.moderator) throw new AppError('FORBIDDEN', 'only moderators do this');
}

/** Hides a post from everyone but moderators, or shows it again. */
export async function setPostHidden(ctx: TenantContext, raw: unknown, viewer: ForumViewer): Promise<CommunityPost> {
  assertCanWrite(ctx);
  const input = parseInput(setHiddenInput, raw);
  assertModerator(viewer);
  return ctx.data.write(async (tx) => {
    const { post } = await visiblePost(tx, input.id, viewer);
    const hiddenAt = input.hidden ? post.hiddenAt ?? new Date() : null;
    await tx.update(communityPosts).set({ hiddenAt }).where(eq(communityPosts.id, post.id));
    await emitEvent(tx, ctx.actor, input.hidden ? 'community.post_hidden' : 'community.post_shown', post.id, { threadId: post.threadId });
    return { ...post, hiddenAt };
  });
}

/** Hides a thread (and so all its posts) from everyone but moderators, or shows it again. */
export async function setThreadHidden(ctx: TenantContext, raw: unknown, viewer: ForumViewer): Promise<CommunityThread> {
  assertCanWrite(ctx);
  const input = parseInput(setHiddenInput, raw);
  assertModerator(viewer);
  return ctx.data.write(async (tx) => {
    const thread = await visibleThread(tx, input.id, viewer);
    const hiddenAt = input.hidden ? thread.hiddenAt ?? new Date() : null;
    await tx.update(communityThreads).set({ hiddenAt }).where(eq(communityThreads.id, thread.id));
    await emitEvent(tx, ctx.actor, input.hidden ? 'community.thread_hidden' : 'community.thread_shown', thread.id, {});
    return { ...thread, hiddenAt };
  });
}

/** Locks a thread (no more posts, votes, answers or poll votes) or unlocks it. */
export async function setThreadLocked(ctx: TenantContext, raw: unknown, viewer: ForumViewer): Promise<CommunityThread> {
  assertCanWrite(ctx);
  const input = parseInput(setLockedInput, raw);
  assertModerator(viewer);
  return ctx.data.write(async (tx) => {
    const thread = await visibleThread(tx, input.threadId, viewer);
    const lockedAt = input.locked ? thread.lockedAt ?? new Date() : null;
    await tx.update(communityThreads).set({ lockedAt }).where(eq(communityThreads.id, thread.id));
    await emitEvent(tx, ctx.actor, input.locked ? 'community.thread_locked' : 'community.thread_unlocked', thread.id, {});
    return { ...thread, lockedAt };
  });
}

/**
 * Marks a reply as the thread's accepted answer (null clears it). Only the thread's author or a
 * moderator may (FORBIDDEN otherwise); the question itself and hidden posts cannot be the answer.
 */
export async function acceptAnswer(ctx: TenantContext, raw: unknown, viewer: ForumViewer): Promise<CommunityThread> {
  assertCanWrite(ctx);
  const input = parseInput(acceptAnswerInput, raw);
  return ctx.data.write(async (tx) => {
    const thread = await visibleThread(tx, input.threadId, viewer);
    const isAuthor = viewer.customerId !== null && viewer.customerId === thread.authorCustomerId;
    if (!isAuthor && !viewer.moderator) throw new AppError('FORBIDDEN', 'only the thread\'s author or a moderator accepts an answer');
    assertOpen(thread);
    if (input.postId) {
      const { post } = await visiblePost(tx, input.postId, viewer);
      if (post.threadId !== thread.id) throw new AppError('BAD_USER_INPUT', 'the post is in another thread');
      if (post.hiddenAt) throw new AppError('BAD_USER_INPUT', 'a hidden post cannot be the answer');
      if (post.id === await openingPostId(tx, thread.id)) throw new AppError('BAD_USER_INPUT', 'the question cannot be its own answer');
    }
    await tx.update(communityThreads).set({ acceptedPostId: input.postId }).where(eq(communityThreads.id, thread.id));
    await emitEvent(tx, ctx.actor, 'community.thread_answer_accepted', thread.id, { postId: input.postId });
    return { ...thread, acceptedPostId: input.postId };
  });
}

/** Flags a customer as a forum moderator, or unflags them; admins only. */
export async function setCommunityModerator(ctx: TenantContext, raw: unknown): Promise<{ customerId: string; moderator: boolean }> {
  assertAdmin(ctx);
  const input = parseInput(setModeratorInput, raw);
  return ctx.data.write(async (tx) => {
    await requireRow(tx, customers, input.customerId, 'Customer');
    if (input.moderator) {
      await tx.insert(communityModerators).values({ customerId: input.customerId, createdAt: new Date() }).onConflictDoNothing();
    } else {
      await tx.delete(communityModerators).where(eq(communityModerators.customerId, input.customerId));
    }
    await emitEvent(tx, ctx.actor, 'customer.community_moderator_set', input.customerId, { moderator: input.moderator });
    return input;
  });
}

/**
 * Moves a merged-away customer's poll votes and moderator flag to the survivor inside the merge's
 * transaction. One vote per person per poll: where both voted, the survivor's own vote stays.
 */
export async function mergeCommunityCustomerTx(tx: TenantTx, survivorId: string, duplicateId: string): Promise<void> {
  await tx.delete(communityPollVotes).where(and(
    eq(communityPollVotes.customerId, duplicateId),
    inArray(communityPollVotes.pollId, tx.select({ p: communityPollVotes.pollId }).from(communityPollVotes).where(eq(communityPollVotes.customerId, survivorId))),
  ));
  await tx.update(communityPollVotes).set({ customerId: survivorId }).where(eq(communityPollVotes.customerId, duplicateId));
  const flagged = await tx.delete(communityModerators).where(eq(communityModerators.customerId, duplicateId)).returning();
  if (flagged.length) await tx.insert(communityModerators).values({ customerId: survivorId, createdAt: flagged[0]!.createdAt }).onConflictDoNothing();
}
