import type { IResolvers } from '@graphql-tools/utils';
import {
  accounts as accountUC, agents as agentUC, cases as caseUC, community as communityUC, customers as customerUC,
  interactions as interactionUC, knowledge as knowledgeUC, orders as orderUC,
} from '../domain/index.js';
import type { CaseFilter } from '../domain/cases.js';
import type { CustomerFilter, CustomerOrder } from '../domain/customers.js';
import type { InteractionFilter } from '../domain/interactions.js';
import type { ArticleFilter } from '../domain/knowledge.js';
import type { OrderFilter } from '../domain/orders.js';
import type { PageArgs } from '../domain/pagination.js';
import { AppError, notFound } from '../lib/errors.js';
import { parseGlobalId } from '../lib/ids.js';
import { MAX_NODE_IDS } from './base-sdl.js';
import type { GraphQLContext } from './context.js';
import { localId, optionalLocalId } from './ids.js';
import { isNodeType, type NodeType } from './type-resolvers.js';
import type { Loaders } from './loaders.js';
import { loadInstallation } from './plugin-admin-resolvers.js';

const LOADER_OF: Record<NodeType, keyof Loaders> = {
  Account: 'account', Customer: 'customer', Case: 'case', Interaction: 'interaction', Order: 'order',
  KnowledgeArticle: 'article', CommunityThread: 'thread', CommunityPost: 'post', Agent: 'agent', Queue: 'queue',
};

/** Loads one node by global id through the request's loaders; NOT_FOUND for anything else. */
async function loadNode(ctx: GraphQLContext, type: NodeType, globalId: string) {
  const id = localId(type, globalId);
  const loader = ctx.loaders[LOADER_OF[type]] as { load(id: string): Promise<object | undefined> };
  const row = await loader.load(id);
  if (!row) throw notFound(type);
  return row;
}

/** The object behind a global id of any Node type, typed for Node's resolveType; NOT_FOUND when there is none. */
async function loadAnyNode(ctx: GraphQLContext, globalId: string): Promise<object> {
  const parsed = parseGlobalId(globalId);
  if (parsed?.type === 'PluginInstallation') {
    const installation = await loadInstallation(ctx, parsed.id);
    if (!installation) throw notFound('Node');
    return { ...installation, __typename: parsed.type };
  }
  if (!parsed || !isNodeType(parsed.type)) throw notFound('Node');
  return { ...(await loadNode(ctx, parsed.type, globalId)), __typename: parsed.type };
}

const isNotFound = (error: unknown) => error instanceof AppError && error.code === 'NOT_FOUND';

const byId = (type: NodeType) => (_: unknown, args: { id: string }, ctx: GraphQLContext) => loadNode(ctx, type, args.id);

type WithFilter<F> = PageArgs & { filter?: F | null };

export const queryResolvers: IResolvers<unknown, GraphQLContext> = {
  Query: {
    node: (_: unknown, args: { id: string }, ctx: GraphQLContext) => loadAnyNode(ctx, args.id),
    // Loaded through the same per-request loaders as node, so the ids of one type cost one query.
    // An id that is not found is null in its place; any other error is that item's alone.
    nodes: (_: unknown, args: { ids: string[] }, ctx: GraphQLContext) => {
      if (args.ids.length > MAX_NODE_IDS) throw new AppError('BAD_USER_INPUT', `ids takes at most ${MAX_NODE_IDS} ids`);
      return args.ids.map((id) => loadAnyNode(ctx, id).catch((error: unknown) => {
        if (isNotFound(error)) return null;
        throw error;
      }));
    },
    viewer: (_: unknown, __: unknown, ctx: GraphQLContext) => ({ tenantSlug: ctx.tenant.tenantSlug, role: ctx.tenant.role }),
    account: byId('Account'),
    accounts: (_: unknown, args: PageArgs, ctx: GraphQLContext) => accountUC.listAccounts(ctx.tenant, args),
    customer: byId('Customer'),
    customers: (_: unknown, args: WithFilter<CustomerFilter> & { orderBy?: CustomerOrder }, ctx: GraphQLContext) =>
      customerUC.listCustomers(ctx.tenant, {
        ...args,
        filter: args.filter && { ...args.filter, accountId: optionalLocalId('Account', args.filter.accountId) },
      }),
    case: byId('Case'),
    cases: (_: unknown, args: WithFilter<CaseFilter>, ctx: GraphQLContext) =>
      caseUC.listCases(ctx.tenant, {
        ...args,
        filter: args.filter && {
          ...args.filter,
          customerId: optionalLocalId('Customer', args.filter.customerId),
          assigneeId: optionalLocalId('Agent', args.filter.assigneeId),
          queueId: optionalLocalId('Queue', args.filter.queueId),
        },
      }),
    interaction: byId('Interaction'),
    interactions: (_: unknown, args: WithFilter<InteractionFilter>, ctx: GraphQLContext) =>
      interactionUC.listInteractions(ctx.tenant, {
        ...args,
        filter: args.filter && {
          ...args.filter,
          customerId: optionalLocalId('Customer', args.filter.customerId),
          caseId: optionalLocalId('Case', args.filter.caseId),
        },
      }),
    order: byId('Order'),
    orders: (_: unknown, args: WithFilter<OrderFilter>, ctx: GraphQLContext) =>
      orderUC.listOrders(ctx.tenant, {
        ...args,
        filter: args.filter && { ...args.filter, customerId: optionalLocalId('Customer', args.filter.customerId) },
      }),
    knowledgeArticle: byId('KnowledgeArticle'),
    knowledgeArticles: (_: unknown, args: WithFilter<ArticleFilter>, ctx: GraphQLContext) => knowledgeUC.listArticles(ctx.tenant, args),
    communityThread: byId('CommunityThread'),
    communityThreads: (_: unknown, args: PageArgs, ctx: GraphQLContext) => communityUC.listThreads(ctx.tenant, args),
    agent: byId('Agent'),
    agents: (_: unknown, args: PageArgs, ctx: GraphQLContext) => agentUC.listAgents(ctx.tenant, args),
    queue: byId('Queue'),
    queues: (_: unknown, args: PageArgs, ctx: GraphQLContext) => agentUC.listQueues(ctx.tenant, args),
  },
};
