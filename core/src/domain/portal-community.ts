import { z } from 'zod';
import { parseInput } from '../lib/validate.js';
import { createPost, createThread, getThread, listPosts, listThreads, votePost, type CommunityPost, type CommunityThread } from './community.js';
import type { Connection, PageArgs } from './pagination.js';
import { actingFor, readingFor, type PortalCustomer, type PortalTenant } from './portal-customer.js';

/** A new forum thread from the portal. */
export const portalThreadInput = z.object({
  title: z.string().trim().min(3).max(300),
  body: z.string().trim().min(1).max(20_000),
});
/** A reply in a forum thread. */
export const portalPostInput = z.object({ body: z.string().trim().min(1).max(20_000) });
/** Up or down. */
export const portalVoteInput = z.object({ value: z.union([z.literal(1), z.literal(-1)]) });

/** The forum's threads, newest first: anyone may read them. */
export function listForumThreads(tenant: PortalTenant, args: PageArgs): Promise<Connection<CommunityThread>> {
  return listThreads(readingFor(tenant), args);
}

/** A thread and its posts, oldest first (NOT_FOUND for a missing thread). */
export async function forumThread(tenant: PortalTenant, threadId: string, args: PageArgs): Promise<{ thread: CommunityThread; posts: Connection<CommunityPost> }> {
  const ctx = readingFor(tenant);
  const [thread, posts] = await Promise.all([getThread(ctx, threadId), listPosts(ctx, threadId, args)]);
  return { thread, posts };
}

/** The customer starts a thread with its first post. */
export async function startForumThread(customer: PortalCustomer, raw: unknown): Promise<CommunityThread> {
  const input = parseInput(portalThreadInput, raw);
  const { thread } = await createThread(actingFor(customer), { ...input, authorCustomerId: customer.customerId });
  return thread;
}

/** The customer replies in a thread. */
export async function replyInForum(customer: PortalCustomer, threadId: string, raw: unknown): Promise<CommunityPost> {
  const input = parseInput(portalPostInput, raw);
  return createPost(actingFor(customer), { threadId, body: input.body, authorCustomerId: customer.customerId });
}

/**
 * The customer votes a post up or down (one vote each, a new one replaces theirs; their own
 * posts refuse it). Answers the post with its new score.
 */
export async function voteInForum(customer: PortalCustomer, postId: string, raw: unknown): Promise<CommunityPost> {
  const input = parseInput(portalVoteInput, raw);
  return votePost(actingFor(customer), { postId, customerId: customer.customerId, value: input.value });
}
