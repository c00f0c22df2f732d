import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { agents, communityPosts, communityThreads, communityVotes, customers } from '../db/tenant-schema.js';
import type { TenantTx } from '../db/tenant-db.js';
import { AppError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { parseInput } from '../lib/validate.js';
import { assertCanWrite, type TenantContext } from '../tenancy/context.js';
import { emitEvent } from './outbox.js';
import { timeKey, type Connection, type PageArgs } from './pagination.js';
import { pageOfRows, requireRow } from './rows.js';

export type CommunityThread = typeof communityThreads.$inferSelect;
export type CommunityPost = typeof communityPosts.$inferSelect;

const author = {
  authorCustomerId: z.string().nullish(),
  authorAgentId: z.string().nullish(),
};
const oneAuthor = (v: { authorCustomerId?: string | null; authorAgentId?: string | null }) =>
  !(v.authorCustomerId && v.authorAgentId);

export const createThreadInput = z.object({
  title: z.string().trim().min(1).max(300),
  body: z.string().trim().min(1).max(50_000),
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

export function getThread(ctx: TenantContext, id: string): Promise<CommunityThread> {
  return requireRow(ctx.data.db, communityThreads, id, 'CommunityThread');
}

export function getPost(ctx: TenantContext, id: string): Promise<CommunityPost> {
  return requireRow(ctx.data.db, communityPosts, id, 'CommunityPost');
}

export function listThreads(ctx: TenantContext, args: PageArgs): Promise<Connection<CommunityThread>> {
  return pageOfRows(ctx.data.db, communityThreads, [], {
    sort: communityThreads.createdAt, id: communityThreads.id, direction: 'desc', sortValue: (t) => timeKey(t.createdAt),
  }, args);
}

export function listPosts(ctx: TenantContext, threadId: string, args: PageArgs): Promise<Connection<CommunityPost>> {
  return pageOfRows(ctx.data.db, communityPosts, [eq(communityPosts.threadId, threadId)], {
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

/** Opens a thread with its first post. */
export async function createThread(ctx: TenantContext, raw: unknown): Promise<{ thread: CommunityThread; post: CommunityPost }> {
  assertCanWrite(ctx);
  const input = parseInput(createThreadInput, raw);
  return ctx.data.write(async (tx) => {
    await assertAuthor(tx, input);
    const now = new Date();
    const thread: CommunityThread = {
      id: newId(), title: input.title, authorCustomerId: input.authorCustomerId ?? null, createdAt: now,
      forumId: null, hiddenAt: null, lockedAt: null, acceptedPostId: null, caseId: null,
    };
    await tx.insert(communityThreads).values(thread);
    const post = await insertPost(tx, thread.id, input.body, input, now);
    await emitEvent(tx, ctx.actor, 'community.thread_created', thread.id, { title: thread.title });
    return { thread, post };
  });
}

export async function createPost(ctx: TenantContext, raw: unknown): Promise<CommunityPost> {
  assertCanWrite(ctx);
  const input = parseInput(createPostInput, raw);
  return ctx.data.write(async (tx) => {
    await requireRow(tx, communityThreads, input.threadId, 'CommunityThread');
    await assertAuthor(tx, input);
    const post = await insertPost(tx, input.threadId, input.body, input, new Date());
    await emitEvent(tx, ctx.actor, 'community.post_created', post.id, { threadId: input.threadId });
    return post;
  });
}

/** One vote per customer per post; voting again replaces the earlier vote. */
export async function votePost(ctx: TenantContext, raw: unknown): Promise<CommunityPost> {
  assertCanWrite(ctx);
  const input = parseInput(votePostInput, raw);
  return ctx.data.write(async (tx) => {
    const post = await requireRow(tx, communityPosts, input.postId, 'CommunityPost');
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
