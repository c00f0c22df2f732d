import { eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { agents, communityForums, communityModerators, communityPosts, communityThreads, communityVotes, customers } from '../db/tenant-schema.js';
import type { TenantDrizzle, TenantTx } from '../db/tenant-db.js';
import { AppError, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { parseInput } from '../lib/validate.js';
import { assertCanWrite, type TenantContext } from '../tenancy/context.js';
import { emitEvent } from './outbox.js';
import { timeKey, type Connection, type PageArgs } from './pagination.js';
import { pageOfRows, requireRow } from './rows.js';

export type CommunityThread = typeof communityThreads.$inferSelect;
export type CommunityPost = typeof communityPosts.$inferSelect;

/**
 * Who reads or acts in the forum. Moderators (staff, and customers an admin flagged) also see
 * hidden threads and posts and may hide, lock and accept answers anywhere. The domain cannot tell
 * from the context alone: the portal acts through an agent-role context on a customer's behalf.
 */
export interface ForumViewer {
  /** The customer reading or acting (null for staff and anonymous visitors). */
  readonly customerId: string | null;
  readonly moderator: boolean;
}

/** The viewer an API key is: agents and admins moderate; read-only integrator keys do not. */
export const staffViewer = (ctx: TenantContext): ForumViewer => ({ customerId: null, moderator: ctx.role !== 'integrator' });
/** An anonymous portal visitor. */
export const visitor: ForumViewer = { customerId: null, moderator: false };

type Reader = TenantDrizzle | TenantTx;

/** Whether the customer was flagged as a forum moderator. */
export async function isCommunityModerator(db: Reader, customerId: string): Promise<boolean> {
  return Boolean(await db.select({ id: communityModerators.customerId }).from(communityModerators).where(eq(communityModerators.customerId, customerId)).get());
}

const author = {
  authorCustomerId: z.string().nullish(),
  authorAgentId: z.string().nullish(),
};
const oneAuthor = (v: { authorCustomerId?: string | null; authorAgentId?: string | null }) =>
  !(v.authorCustomerId && v.authorAgentId);

export const createThreadInput = z.object({
  title: z.string().trim().min(1).max(300),
  body: z.string().trim().min(1).max(50_000),
  forumId: z.string().nullish(),
  ...author,
}).refine(oneAuthor, 'a post has one author: a customer or an agent');
export const createPostInput = z.object({
  threadId: z.string(),
  body: z.string().trim().min(1).max(50_000),
  ...author,
}).refine(oneAuthor, 'a post has one author: a customer or an agent');
export const votePostInput = z.object({
  postId: z.string(),
  customerId: z.string(),
  value: z.union([z.literal(1), z.literal(-1)]),
});

/** A thread the viewer may see: a hidden one is NOT_FOUND to everyone but moderators. */
export async function visibleThread(db: Reader, id: string, viewer: ForumViewer): Promise<CommunityThread> {
  const thread = await requireRow(db, communityThreads, id, 'CommunityThread');
  if (thread.hiddenAt && !viewer.moderator) throw notFound('CommunityThread');
  return thread;
}

/** A post the viewer may see (in a thread they may see). */
export async function visiblePost(db: Reader, id: string, viewer: ForumViewer): Promise<{ post: CommunityPost; thread: CommunityThread }> {
  const post = await requireRow(db, communityPosts, id, 'CommunityPost');
  if (post.hiddenAt && !viewer.moderator) throw notFound('CommunityPost');
  return { post, thread: await visibleThread(db, post.threadId, viewer) };
}

/** THREAD_LOCKED when a moderator locked the thread. */
export function assertOpen(thread: CommunityThread): void {
  if (thread.lockedAt) throw new AppError('THREAD_LOCKED', 'this thread is locked: it takes no more posts, votes or answers');
}

export function getThread(ctx: TenantContext, id: string, viewer: ForumViewer = staffViewer(ctx)): Promise<CommunityThread> {
  return visibleThread(ctx.data.db, id, viewer);
}

export async function getPost(ctx: TenantContext, id: string, viewer: ForumViewer = staffViewer(ctx)): Promise<CommunityPost> {
  return (await visiblePost(ctx.data.db, id, viewer)).post;
}

/** Threads, newest first: of one forum when given; hidden ones only for moderators. */
export function listThreads(
  ctx: TenantContext, args: PageArgs & { forumId?: string | null }, viewer: ForumViewer = staffViewer(ctx),
): Promise<Connection<CommunityThread>> {
  return pageOfRows(ctx.data.db, communityThreads, [
    args.forumId ? eq(communityThreads.forumId, args.forumId) : undefined,
    viewer.moderator ? undefined : isNull(communityThreads.hiddenAt),
  ], {
    sort: communityThreads.createdAt, id: communityThreads.id, direction: 'desc', sortValue: (t) => timeKey(t.createdAt),
  }, args);
}

/** A thread's posts, oldest first; hidden ones only for moderators. */
export function listPosts(ctx: TenantContext, threadId: string, args: PageArgs, viewer: ForumViewer = staffViewer(ctx)): Promise<Connection<CommunityPost>> {
  return pageOfRows(ctx.data.db, communityPosts, [eq(communityPosts.threadId, threadId), viewer.moderator ? undefined : isNull(communityPosts.hiddenAt)], {
    sort: communityPosts.createdAt, id: communityPosts.id, direction: 'asc', sortValue: (p) => timeKey(p.createdAt),
  }, args);
}

async function assertAuthor(tx: TenantTx, a: { authorCustomerId?: string | null; authorAgentId?: string | null }) {
  if (a.authorCustomerId) await requireRow(tx, customers, a.authorCustomerId, 'Customer');
  if (a.authorAgentId) await requireRow(tx, agents, a.authorAgentId, 'Agent');
}

async function insertPost(tx: TenantTx, threadId: string, body: string, a: { authorCustomerId?: string | null; authorAgentId?: string | null }, now: Date) {
  const post: CommunityPost = {
    id: newId(), threadId, body, authorCustomerId: a.authorCustomerId ?? null, authorAgentId: a.authorAgentId ?? null, score: 0, createdAt: now, hiddenAt: null,
  };
  await tx.insert(communityPosts).values(post);
  return post;
}

/** Opens a thread with its first post, in a forum when one is named. */
export async function createThread(ctx: TenantContext, raw: unknown): Promise<{ thread: CommunityThread; post: CommunityPost }> {
  assertCanWrite(ctx);
  const input = parseInput(createThreadInput, raw);
  return ctx.data.write(async (tx) => {
    await assertAuthor(tx, input);
    if (input.forumId) await requireRow(tx, communityForums, input.forumId, 'CommunityForum');
    const now = new Date();
    const thread: CommunityThread = {
      id: newId(), title: input.title, authorCustomerId: input.authorCustomerId ?? null, createdAt: now,
      forumId: input.forumId ?? null, hiddenAt: null, lockedAt: null, acceptedPostId: null, caseId: null,
    };
    await tx.insert(communityThreads).values(thread);
    const post = await insertPost(tx, thread.id, input.body, input, now);
    await emitEvent(tx, ctx.actor, 'community.thread_created', thread.id, { title: thread.title, forumId: thread.forumId });
    return { thread, post };
  });
}

/** Posts in a thread; THREAD_LOCKED once a moderator locked it, NOT_FOUND for a hidden one (but to moderators). */
export async function createPost(ctx: TenantContext, raw: unknown, viewer: ForumViewer = staffViewer(ctx)): Promise<CommunityPost> {
  assertCanWrite(ctx);
  const input = parseInput(createPostInput, raw);
  return ctx.data.write(async (tx) => {
    assertOpen(await visibleThread(tx, input.threadId, viewer));
    await assertAuthor(tx, input);
    const post = await insertPost(tx, input.threadId, input.body, input, new Date());
    await emitEvent(tx, ctx.actor, 'community.post_created', post.id, { threadId: input.threadId });
    return post;
  });
}

/** One vote per customer per post; voting again replaces the earlier vote. */
export async function votePost(ctx: TenantContext, raw: unknown, viewer: ForumViewer = staffViewer(ctx)): Promise<CommunityPost> {
  assertCanWrite(ctx);
  const input = parseInput(votePostInput, raw);
  return ctx.data.write(async (tx) => {
    const { post, thread } = await visiblePost(tx, input.postId, viewer);
    assertOpen(thread);
    await requireRow(tx, customers, input.customerId, 'Customer');
    if (post.authorCustomerId === input.customerId) throw new AppError('BAD_USER_INPUT', 'authors cannot vote on their own posts');
    await tx.insert(communityVotes).values({ postId: input.postId, customerId: input.customerId, value: input.value, createdAt: new Date() })
      .onConflictDoUpdate({ target: [communityVotes.postId, communityVotes.customerId], set: { value: input.value } });
    const [updated] = await tx.update(communityPosts)
      .set({ score: sql`(select coalesce(sum(${communityVotes.value}), 0) from ${communityVotes} where ${communityVotes.postId} = ${input.postId})` })
      .where(eq(communityPosts.id, input.postId)).returning();
    await emitEvent(tx, ctx.actor, 'community.post_voted', input.postId, { value: input.value });
    return updated!;
  });
}

/** The first post of a thread (its question), which cannot be its own answer. */
export async function openingPostId(db: Reader, threadId: string): Promise<string | undefined> {
  const row = await db.select({ id: communityPosts.id }).from(communityPosts).where(eq(communityPosts.threadId, threadId))
    .orderBy(communityPosts.createdAt, communityPosts.id).get();
  return row?.id;
}
