import { z } from 'zod';
import { parseInput } from '../lib/validate.js';
import {
  createPost, createThread, getThread, isCommunityModerator, listPosts, listThreads, visitor, votePost,
  type CommunityPost, type CommunityThread, type ForumViewer,
} from './community.js';
import { listForums, type CommunityForum } from './community-forums.js';
import { acceptAnswer, setPostHidden, setThreadHidden, setThreadLocked } from './community-moderation.js';
import { myPollVote, pollOfThread, votePoll, type PollResults } from './community-polls.js';
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
/** A moderator's hide / lock switch. */
export const portalModerationInput = z.object({ hidden: z.boolean().optional(), locked: z.boolean().optional() })
  .refine((v) => v.hidden !== undefined || v.locked !== undefined, 'give hidden or locked');

/**
 * Who reads the forum on the portal: an anonymous visitor, a customer, or a customer an admin
 * flagged as a moderator (who also sees hidden threads and posts).
 */
export async function forumViewer(customer: PortalCustomer | null | undefined): Promise<ForumViewer> {
  if (!customer) return visitor;
  return { customerId: customer.customerId, moderator: await isCommunityModerator(customer.data.db, customer.customerId) };
}

/** The forum's categories, in order. */
export function listForumCategories(tenant: PortalTenant): Promise<CommunityForum[]> {
  return listForums(readingFor(tenant));
}

/** The forum's threads, newest first (of one category when given): anyone may read them; hidden ones only moderators. */
export async function listForumThreads(
  tenant: PortalTenant, args: PageArgs & { forumId?: string | null }, customer?: PortalCustomer | null,
): Promise<Connection<CommunityThread>> {
  return listThreads(readingFor(tenant), args, await forumViewer(customer));
}

/** A thread and its posts, oldest first (NOT_FOUND for a missing thread, or a hidden one but to moderators). */
export async function forumThread(
  tenant: PortalTenant, threadId: string, args: PageArgs, customer?: PortalCustomer | null,
): Promise<{ thread: CommunityThread; posts: Connection<CommunityPost> }> {
  const ctx = readingFor(tenant);
  const viewer = await forumViewer(customer);
  const thread = await getThread(ctx, threadId, viewer);
  return { thread, posts: await listPosts(ctx, threadId, args, viewer) };
}

/** The customer starts a thread with its first post. */
export async function startForumThread(customer: PortalCustomer, raw: unknown, forumId?: string | null): Promise<CommunityThread> {
  const input = parseInput(portalThreadInput, raw);
  const { thread } = await createThread(actingFor(customer), { ...input, forumId, authorCustomerId: customer.customerId });
  return thread;
}

/** The customer replies in a thread (THREAD_LOCKED once a moderator locked it). */
export async function replyInForum(customer: PortalCustomer, threadId: string, raw: unknown): Promise<CommunityPost> {
  const input = parseInput(portalPostInput, raw);
  return createPost(actingFor(customer), { threadId, body: input.body, authorCustomerId: customer.customerId }, await forumViewer(customer));
}

/**
 * The customer votes a post up or down (one vote each, a new one replaces theirs; their own
 * posts refuse it). Answers the post with its new score.
 */
export async function voteInForum(customer: PortalCustomer, postId: string, raw: unknown): Promise<CommunityPost> {
  const input = parseInput(portalVoteInput, raw);
  return votePost(actingFor(customer), { postId, customerId: customer.customerId, value: input.value }, await forumViewer(customer));
}

/** The thread's author (or a moderator) accepts a reply as the answer; null clears it. */
export async function acceptForumAnswer(customer: PortalCustomer, threadId: string, postId: string | null): Promise<CommunityThread> {
  return acceptAnswer(actingFor(customer), { threadId, postId }, await forumViewer(customer));
}

/** A thread's poll and its results, with the option this customer chose (if signed in and voted). */
export async function forumPoll(
  tenant: PortalTenant, threadId: string, customer?: PortalCustomer | null,
): Promise<(PollResults & { myOptionId: string | null }) | null> {
  const ctx = readingFor(tenant);
  const results = await pollOfThread(ctx, threadId, await forumViewer(customer));
  if (!results) return null;
  return { ...results, myOptionId: customer ? await myPollVote(ctx, results.poll.id, customer.customerId) : null };
}

/** The customer votes in a poll: once (ALREADY_VOTED after). */
export async function voteInForumPoll(customer: PortalCustomer, pollId: string, optionId: string): Promise<PollResults> {
  return votePoll(actingFor(customer), { pollId, optionId, customerId: customer.customerId }, await forumViewer(customer));
}

/** A moderating customer hides or shows a post (FORBIDDEN for other customers). */
export async function moderateForumPost(customer: PortalCustomer, postId: string, raw: unknown): Promise<CommunityPost> {
  const input = parseInput(portalModerationInput, raw);
  return setPostHidden(actingFor(customer), { id: postId, hidden: input.hidden ?? false }, await forumViewer(customer));
}

/** A moderating customer hides, shows, locks or unlocks a thread (FORBIDDEN for other customers). */
export async function moderateForumThread(customer: PortalCustomer, threadId: string, raw: unknown): Promise<CommunityThread> {
  const input = parseInput(portalModerationInput, raw);
  const viewer = await forumViewer(customer);
  const ctx = actingFor(customer);
  let thread = input.hidden !== undefined ? await setThreadHidden(ctx, { id: threadId, hidden: input.hidden }, viewer) : undefined;
  if (input.locked !== undefined) thread = await setThreadLocked(ctx, { threadId, locked: input.locked }, viewer);
  return thread!;
}
