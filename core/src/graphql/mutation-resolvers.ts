import type { IResolvers } from '@graphql-tools/utils';
import type { z } from 'zod';
import {
  accounts as accountUC, agents as agentUC, cases as caseUC, community as communityUC, customers as customerUC,
  interactions as interactionUC, knowledge as knowledgeUC, orders as orderUC,
} from '../domain/index.js';
import { assertCanWrite } from '../tenancy/context.js';
import type { GraphQLContext } from './context.js';
import { decodeIdArgument, decodeInput, type IdFields } from './mutation-input.js';

type Input = { input: Record<string, unknown> };

/**
 * The `input` argument checked in one pass (ids, the domain's schema, the text rule: every
 * problem at once, paths from `input`) with its ids decoded. A read-only key learns that first.
 */
function checked(ctx: GraphQLContext, input: Input['input'], schema?: z.ZodType, ids: IdFields = {}) {
  assertCanWrite(ctx.tenant);
  return decodeInput('input', input, ids, schema);
}

/** Like `checked`, for update inputs: splits off the decoded `id` of the row to change. */
function target(ctx: GraphQLContext, type: string, input: Input['input'], schema: z.ZodType, ids: IdFields = {}) {
  const { id, ...changes } = checked(ctx, input, schema, { id: type, ...ids });
  return { id: id as string, changes };
}

export const mutationResolvers: IResolvers<unknown, GraphQLContext> = {
  Mutation: {
    createAccount: async (_: unknown, { input }: Input, ctx: GraphQLContext) =>
      ({ account: await accountUC.createAccount(ctx.tenant, checked(ctx, input, accountUC.createAccountInput)) }),
    updateAccount: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const { id, changes } = target(ctx, 'Account', input, accountUC.updateAccountInput);
      return { account: await accountUC.updateAccount(ctx.tenant, id, changes) };
    },
    createCustomer: async (_: unknown, { input }: Input, ctx: GraphQLContext) =>
      ({ customer: await customerUC.createCustomer(ctx.tenant, checked(ctx, input, customerUC.createCustomerInput, { accountId: 'Account' })) }),
    updateCustomer: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const { id, changes } = target(ctx, 'Customer', input, customerUC.updateCustomerInput, { accountId: 'Account' });
      return { customer: await customerUC.updateCustomer(ctx.tenant, id, changes) };
    },
    mergeCustomers: (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const { survivorId, duplicateId } = checked(ctx, input, undefined, { survivorId: 'Customer', duplicateId: 'Customer' });
      return customerUC.mergeCustomers(ctx.tenant, survivorId as string, duplicateId as string);
    },
    createCase: async (_: unknown, { input }: Input, ctx: GraphQLContext) => ({
      case: await caseUC.createCase(ctx.tenant, checked(ctx, input, caseUC.createCaseInput, { customerId: 'Customer', queueId: 'Queue', assigneeId: 'Agent' })),
    }),
    updateCase: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const { id, changes } = target(ctx, 'Case', input, caseUC.updateCaseInput, { queueId: 'Queue', assigneeId: 'Agent' });
      return { case: await caseUC.updateCase(ctx.tenant, id, changes) };
    },
    routeCase: async (_: unknown, args: { id: string }, ctx: GraphQLContext) => {
      assertCanWrite(ctx.tenant);
      return { case: await caseUC.routeCase(ctx.tenant, decodeIdArgument('id', args.id, 'Case')) };
    },
    addInteraction: async (_: unknown, { input }: Input, ctx: GraphQLContext) => ({
      interaction: await interactionUC.addInteraction(ctx.tenant,
        checked(ctx, input, interactionUC.addInteractionInput, { customerId: 'Customer', caseId: 'Case', agentId: 'Agent' })),
    }),
    createOrder: async (_: unknown, { input }: Input, ctx: GraphQLContext) =>
      ({ order: await orderUC.createOrder(ctx.tenant, checked(ctx, input, orderUC.createOrderInput, { customerId: 'Customer' })) }),
    updateOrderStatus: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const { id, changes } = target(ctx, 'Order', input, orderUC.updateOrderStatusInput);
      return { order: await orderUC.updateOrderStatus(ctx.tenant, id, changes) };
    },
    createKnowledgeArticle: async (_: unknown, { input }: Input, ctx: GraphQLContext) =>
      ({ article: await knowledgeUC.createArticle(ctx.tenant, checked(ctx, input, knowledgeUC.createArticleInput)) }),
    updateKnowledgeArticle: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const { id, changes } = target(ctx, 'KnowledgeArticle', input, knowledgeUC.updateArticleInput);
      return { article: await knowledgeUC.updateArticle(ctx.tenant, id, changes) };
    },
    rateKnowledgeArticle: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const decoded = checked(ctx, input, knowledgeUC.rateArticleInput, { articleId: 'KnowledgeArticle', customerId: 'Customer' });
      const { article } = await knowledgeUC.rateArticle(ctx.tenant, decoded);
      return { article };
    },
    createCommunityThread: (_: unknown, { input }: Input, ctx: GraphQLContext) =>
      communityUC.createThread(ctx.tenant, checked(ctx, input, communityUC.createThreadInput, { authorCustomerId: 'Customer', authorAgentId: 'Agent', forumId: 'CommunityForum' })),
    createCommunityPost: async (_: unknown, { input }: Input, ctx: GraphQLContext) => ({
      post: await communityUC.createPost(ctx.tenant,
        checked(ctx, input, communityUC.createPostInput, { threadId: 'CommunityThread', authorCustomerId: 'Customer', authorAgentId: 'Agent' })),
    }),
    voteCommunityPost: async (_: unknown, { input }: Input, ctx: GraphQLContext) => ({
      post: await communityUC.votePost(ctx.tenant, checked(ctx, input, communityUC.votePostInput, { postId: 'CommunityPost', customerId: 'Customer' })),
    }),
    createAgent: async (_: unknown, { input }: Input, ctx: GraphQLContext) =>
      ({ agent: await agentUC.createAgent(ctx.tenant, checked(ctx, input, agentUC.createAgentInput)) }),
    updateAgent: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const { id, changes } = target(ctx, 'Agent', input, agentUC.updateAgentInput);
      return { agent: await agentUC.updateAgent(ctx.tenant, id, changes) };
    },
    createQueue: async (_: unknown, { input }: Input, ctx: GraphQLContext) =>
      ({ queue: await agentUC.createQueue(ctx.tenant, checked(ctx, input, agentUC.createQueueInput)) }),
  },
};
