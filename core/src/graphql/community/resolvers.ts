import type { IResolvers } from '@graphql-tools/utils';
import DataLoader from 'dataloader';
import { databaseBatch } from '../loaders.js';
import { getCase } from '../../domain/cases.js';
import {
  isCommunityModerator, listThreads, staffViewer, type CommunityPost, type CommunityThread,
} from '../../domain/community.js';
import { createForum, getForum, listForums, updateForum, type CommunityForum } from '../../domain/community-forums.js';
import { acceptAnswer, setCommunityModerator, setPostHidden, setThreadHidden, setThreadLocked } from '../../domain/community-moderation.js';
import { createPoll, pollOfThread, votePoll, type PollResults } from '../../domain/community-polls.js';
import { takeThreadPrivate, threadsOfCases } from '../../domain/community-take-private.js';
import type { Case } from '../../domain/cases.js';
import type { Customer } from '../../domain/customers.js';
import type { PageArgs } from '../../domain/pagination.js';
import { toGlobalId } from '../../lib/ids.js';
import { assertCanWrite } from '../../tenancy/context.js';
import type { GraphQLContext } from '../context.js';
import { localId } from '../ids.js';
import { decodeInput, type IdFields } from '../mutation-input.js';

type Input = { input: Record<string, unknown> };
type Row = { id: string };
const globalId = (type: string) => (row: Row) => toGlobalId(type, row.id);

function checked(ctx: GraphQLContext, input: Input['input'], ids: IdFields = {}) {
  assertCanWrite(ctx.tenant);
  return decodeInput('input', input, ids);
}

/** Loaders that live as long as the request's own: a list of cases or threads asks once per level. */
const requestLoaders = new WeakMap<object, { threadOfCase: DataLoader<string, CommunityThread | null>; forum: DataLoader<string, CommunityForum | null> }>();
function loadersOf(ctx: GraphQLContext) {
  let found = requestLoaders.get(ctx.loaders);
  if (!found) {
    found = {
      threadOfCase: new DataLoader(async (ids) => {
        const byCase = await threadsOfCases(ctx.tenant, ids);
        return ids.map((id) => byCase.get(id) ?? null);
      }, databaseBatch),
      forum: new DataLoader(async (ids) => {
        const all = new Map((await listForums(ctx.tenant)).map((f) => [f.id, f]));
        return ids.map((id) => all.get(id) ?? null);
      }, databaseBatch),
    };
    requestLoaders.set(ctx.loaders, found);
  }
  return found;
}

/** A poll's results in the API's shape. */
const pollView = (r: PollResults) => ({ ...r.poll, options: r.options, totalVotes: r.totalVotes });

export const communityResolvers: IResolvers<unknown, GraphQLContext> = {
  CommunityForum: {
    id: globalId('CommunityForum'),
    threads: (f: CommunityForum, args: PageArgs, ctx) => listThreads(ctx.tenant, { ...args, forumId: f.id }),
  },
  CommunityPoll: { id: globalId('CommunityPoll') },
  CommunityPollOption: { id: globalId('CommunityPollOption') },
  CommunityThread: {
    forum: (t: CommunityThread, _: unknown, ctx) => (t.forumId ? loadersOf(ctx).forum.load(t.forumId) : null),
    hidden: (t: CommunityThread) => t.hiddenAt !== null,
    locked: (t: CommunityThread) => t.lockedAt !== null,
    acceptedAnswer: (t: CommunityThread, _: unknown, ctx) => (t.acceptedPostId ? ctx.loaders.post.load(t.acceptedPostId) : null),
    poll: async (t: CommunityThread, _: unknown, ctx) => {
      const results = await pollOfThread(ctx.tenant, t.id, staffViewer(ctx.tenant)).catch(() => null);
      return results ? pollView(results) : null;
    },
    takenPrivate: (t: CommunityThread) => t.caseId !== null,
    privateCase: (t: CommunityThread, _: unknown, ctx) => (t.caseId ? ctx.loaders.case.load(t.caseId) : null),
  },
  CommunityPost: {
    hidden: (p: CommunityPost) => p.hiddenAt !== null,
  },
  Case: {
    communityThread: (c: Case, _: unknown, ctx) => loadersOf(ctx).threadOfCase.load(c.id),
  },
  Customer: {
    communityModerator: (c: Customer, _: unknown, ctx) => isCommunityModerator(ctx.tenant.data.db, c.id),
  },
  Query: {
    communityForums: (_: unknown, __: unknown, ctx: GraphQLContext) => listForums(ctx.tenant),
    communityForum: (_: unknown, args: { id: string }, ctx: GraphQLContext) => getForum(ctx.tenant, localId('CommunityForum', args.id)),
  },
  Mutation: {
    createCommunityForum: async (_: unknown, { input }: Input, ctx: GraphQLContext) => ({ forum: await createForum(ctx.tenant, checked(ctx, input)) }),
    updateCommunityForum: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const { id, ...changes } = checked(ctx, input, { id: 'CommunityForum' });
      return { forum: await updateForum(ctx.tenant, id as string, changes) };
    },
    setCommunityPostHidden: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const { postId, hidden } = checked(ctx, input, { postId: 'CommunityPost' });
      return { post: await setPostHidden(ctx.tenant, { id: postId, hidden }, staffViewer(ctx.tenant)) };
    },
    setCommunityThreadHidden: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const { threadId, hidden } = checked(ctx, input, { threadId: 'CommunityThread' });
      return { thread: await setThreadHidden(ctx.tenant, { id: threadId, hidden }, staffViewer(ctx.tenant)) };
    },
    setCommunityThreadLocked: async (_: unknown, { input }: Input, ctx: GraphQLContext) =>
      ({ thread: await setThreadLocked(ctx.tenant, checked(ctx, input, { threadId: 'CommunityThread' }), staffViewer(ctx.tenant)) }),
    acceptCommunityAnswer: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const decoded = checked(ctx, input, { threadId: 'CommunityThread', postId: 'CommunityPost' });
      return { thread: await acceptAnswer(ctx.tenant, { ...decoded, postId: decoded.postId ?? null }, staffViewer(ctx.tenant)) };
    },
    createCommunityPoll: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const poll = await createPoll(ctx.tenant, checked(ctx, input, { threadId: 'CommunityThread' }), staffViewer(ctx.tenant));
      return { poll: pollView((await pollOfThread(ctx.tenant, poll.threadId, staffViewer(ctx.tenant)))!) };
    },
    voteCommunityPoll: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const decoded = checked(ctx, input, { pollId: 'CommunityPoll', optionId: 'CommunityPollOption', customerId: 'Customer' });
      return { poll: pollView(await votePoll(ctx.tenant, decoded, staffViewer(ctx.tenant))) };
    },
    setCommunityModerator: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const { customerId } = await setCommunityModerator(ctx.tenant, checked(ctx, input, { customerId: 'Customer' }));
      return { customer: await ctx.loaders.customer.load(customerId) };
    },
    takeCommunityThreadPrivate: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const decoded = checked(ctx, input, { threadId: 'CommunityThread', queueId: 'Queue', assigneeId: 'Agent' });
      const { thread, case: kase } = await takeThreadPrivate(ctx.tenant, { ...decoded, priority: decoded.priority ?? undefined });
      return { thread, case: await getCase(ctx.tenant, kase.id) };
    },
  },
};
