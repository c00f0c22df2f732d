import type { IResolvers } from '@graphql-tools/utils';
import {
  accounts as accountUC, agents as agentUC, cases as caseUC, community as communityUC, customers as customerUC,
  interactions as interactionUC, knowledge as knowledgeUC, orders as orderUC,
} from '../domain/index.js';
import type { GraphQLContext } from './context.js';
import { localId, optionalLocalId } from './ids.js';

type Input = { input: Record<string, unknown> & { id?: string } };

/** Splits `{ id, ...changes }` and decodes the id. */
function target(type: string, input: Input['input']) {
  const { id, ...changes } = input;
  return { id: localId(type, String(id)), changes };
}

/** Decodes the named global-id fields of an input, leaving absent ones absent. */
function decodeRefs(input: Record<string, unknown>, refs: Record<string, string>) {
  const out: Record<string, unknown> = { ...input };
  for (const [field, type] of Object.entries(refs)) {
    if (field in out) out[field] = optionalLocalId(type, out[field] as string | null | undefined);
  }
  return out;
}

export const mutationResolvers: IResolvers<unknown, GraphQLContext> = {
  Mutation: {
    createAccount: async (_: unknown, { input }: Input, ctx: GraphQLContext) =>
      ({ account: await accountUC.createAccount(ctx.tenant, input) }),
    updateAccount: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const { id, changes } = target('Account', input);
      return { account: await accountUC.updateAccount(ctx.tenant, id, changes) };
    },
    createCustomer: async (_: unknown, { input }: Input, ctx: GraphQLContext) =>
      ({ customer: await customerUC.createCustomer(ctx.tenant, decodeRefs(input, { accountId: 'Account' })) }),
    updateCustomer: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const { id, changes } = target('Customer', input);
      return { customer: await customerUC.updateCustomer(ctx.tenant, id, decodeRefs(changes, { accountId: 'Account' })) };
    },
    mergeCustomers: (_: unknown, { input }: { input: { survivorId: string; duplicateId: string } }, ctx: GraphQLContext) =>
      customerUC.mergeCustomers(ctx.tenant, localId('Customer', input.survivorId), localId('Customer', input.duplicateId)),
    createCase: async (_: unknown, { input }: Input, ctx: GraphQLContext) => ({
      case: await caseUC.createCase(ctx.tenant, decodeRefs(input, { customerId: 'Customer', queueId: 'Queue', assigneeId: 'Agent' })),
    }),
    updateCase: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const { id, changes } = target('Case', input);
      return { case: await caseUC.updateCase(ctx.tenant, id, decodeRefs(changes, { queueId: 'Queue', assigneeId: 'Agent' })) };
    },
    routeCase: async (_: unknown, args: { id: string }, ctx: GraphQLContext) =>
      ({ case: await caseUC.routeCase(ctx.tenant, localId('Case', args.id)) }),
    addInteraction: async (_: unknown, { input }: Input, ctx: GraphQLContext) => ({
      interaction: await interactionUC.addInteraction(ctx.tenant, decodeRefs(input, { customerId: 'Customer', caseId: 'Case', agentId: 'Agent' })),
    }),
    createOrder: async (_: unknown, { input }: Input, ctx: GraphQLContext) =>
      ({ order: await orderUC.createOrder(ctx.tenant, decodeRefs(input, { customerId: 'Customer' })) }),
    updateOrderStatus: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const { id, changes } = target('Order', input);
      return { order: await orderUC.updateOrderStatus(ctx.tenant, id, changes) };
    },
    createKnowledgeArticle: async (_: unknown, { input }: Input, ctx: GraphQLContext) =>
      ({ article: await knowledgeUC.createArticle(ctx.tenant, input) }),
    updateKnowledgeArticle: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const { id, changes } = target('KnowledgeArticle', input);
      return { article: await knowledgeUC.updateArticle(ctx.tenant, id, changes) };
    },
    rateKnowledgeArticle: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const { article } = await knowledgeUC.rateArticle(ctx.tenant, decodeRefs(input, { articleId: 'KnowledgeArticle', customerId: 'Customer' }));
      return { article };
    },
    createCommunityThread: (_: unknown, { input }: Input, ctx: GraphQLContext) =>
      communityUC.createThread(ctx.tenant, decodeRefs(input, { authorCustomerId: 'Customer', authorAgentId: 'Agent' })),
    createCommunityPost: async (_: unknown, { input }: Input, ctx: GraphQLContext) => ({
      post: await communityUC.createPost(ctx.tenant, decodeRefs(input, { threadId: 'CommunityThread', authorCustomerId: 'Customer', authorAgentId: 'Agent' })),
    }),
    voteCommunityPost: async (_: unknown, { input }: Input, ctx: GraphQLContext) => ({
      post: await communityUC.votePost(ctx.tenant, decodeRefs(input, { postId: 'CommunityPost', customerId: 'Customer' })),
    }),
    createAgent: async (_: unknown, { input }: Input, ctx: GraphQLContext) => ({ agent: await agentUC.createAgent(ctx.tenant, input) }),
    updateAgent: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const { id, changes } = target('Agent', input);
      return { agent: await agentUC.updateAgent(ctx.tenant, id, changes) };
    },
    createQueue: async (_: unknown, { input }: Input, ctx: GraphQLContext) => ({ queue: await agentUC.createQueue(ctx.tenant, input) }),
  },
};
