import type { IResolvers } from '@graphql-tools/utils';
import { cases as caseUC, community as communityUC, customers as customerUC,
  interactions as interactionUC, orders as orderUC, timeline as timelineUC } from '../domain/index.js';
import type { Agent, Queue } from '../domain/agents.js';
import type { Case } from '../domain/cases.js';
import type { CommunityPost, CommunityThread } from '../domain/community.js';
import { currencyOrUnknown, toMoney } from '../domain/currencies.js';
import type { Customer } from '../domain/customers.js';
import type { Interaction } from '../domain/interactions.js';
import type { Order } from '../domain/orders.js';
import type { PageArgs } from '../domain/pagination.js';
import type { TimelineItem } from '../domain/timeline.js';
import { toGlobalId } from '../lib/ids.js';
import { notFound } from '../lib/errors.js';
import type { GraphQLContext } from './context.js';
import { orderLines, type PricedLine } from './fields-ahead.js';

type Row = { id: string };
const globalId = (type: string) => (row: Row) => toGlobalId(type, row.id);

/** Loads a row another row points at; a dangling reference is a bug worth surfacing, not null. */
async function required<T>(p: Promise<T | undefined>, what: string): Promise<T> {
  const row = await p;
  if (!row) throw notFound(what);
  return row;
}

const NODE_TYPES = ['Account', 'Customer', 'Case', 'Interaction', 'Order', 'KnowledgeArticle',
  'CommunityThread', 'CommunityPost', 'Agent', 'Queue'] as const;
export type NodeType = (typeof NODE_TYPES)[number];
export const isNodeType = (t: string): t is NodeType => (NODE_TYPES as readonly string[]).includes(t);

export const typeResolvers: IResolvers<unknown, GraphQLContext> = {
  Node: { __resolveType: (obj: { __typename?: string }) => obj.__typename ?? null },
  TimelineItem: {
    __resolveType: (obj: { __typename?: string }) => obj.__typename ?? null,
  },
  Viewer: {
    role: (v: { role: string }) => v.role.toUpperCase(),
  },
  Account: {
    id: globalId('Account'),
    customers: (a: Row, args: PageArgs, ctx) => customerUC.listCustomers(ctx.tenant, { ...args, filter: { accountId: a.id } }),
  },
  Customer: {
    id: globalId('Customer'),
    account: (c: Customer, _: unknown, ctx) => (c.accountId ? ctx.loaders.account.load(c.accountId) : null),
    mergedInto: (c: Customer, _: unknown, ctx) => (c.mergedIntoId ? ctx.loaders.customer.load(c.mergedIntoId) : null),
    identities: (c: Customer, _: unknown, ctx) => ctx.loaders.identities.load(c.id),
    cases: (c: Customer, args: PageArgs & { status?: Case['status'] }, ctx) =>
      caseUC.listCases(ctx.tenant, { ...args, filter: { customerId: c.id, status: args.status } }),
    interactions: (c: Customer, args: PageArgs & { channel?: Interaction['channel'] }, ctx) =>
      interactionUC.listInteractions(ctx.tenant, { ...args, filter: { customerId: c.id, channel: args.channel } }),
    orders: (c: Customer, args: PageArgs, ctx) => orderUC.listOrders(ctx.tenant, { ...args, filter: { customerId: c.id } }),
    timeline: async (c: Customer, args: PageArgs, ctx) => {
      const conn = await timelineUC.customerTimeline(ctx.tenant, c.id, args);
      return { ...conn, edges: conn.edges.map((e) => ({ cursor: e.cursor, kind: e.node.kind, at: e.node.at, node: timelineNode(e.node) })) };
    },
  },
  Case: {
    id: globalId('Case'),
    customer: (c: Case, _: unknown, ctx) => required(ctx.loaders.customer.load(c.customerId), 'Customer'),
    queue: (c: Case, _: unknown, ctx) => (c.queueId ? ctx.loaders.queue.load(c.queueId) : null),
    assignee: (c: Case, _: unknown, ctx) => (c.assigneeId ? ctx.loaders.agent.load(c.assigneeId) : null),
    interactions: (c: Case, args: PageArgs, ctx) => interactionUC.listInteractions(ctx.tenant, { ...args, filter: { caseId: c.id } }),
  },
  Interaction: {
    id: globalId('Interaction'),
    customer: (i: Interaction, _: unknown, ctx) => required(ctx.loaders.customer.load(i.customerId), 'Customer'),
    case: (i: Interaction, _: unknown, ctx) => (i.caseId ? ctx.loaders.case.load(i.caseId) : null),
    agent: (i: Interaction, _: unknown, ctx) => (i.agentId ? ctx.loaders.agent.load(i.agentId) : null),
  },
  Order: {
    id: globalId('Order'),
    orderNumber: (o: Order) => o.number,
    orderStatus: (o: Order) => o.status,
    currency: (o: Order) => currencyOrUnknown(o.currency),
    total: (o: Order) => toMoney(o.totalCents, o.currency),
    lines: (o: Order, _: unknown, ctx) => orderLines(o, ctx),
    customer: (o: Order, _: unknown, ctx) => required(ctx.loaders.customer.load(o.customerId), 'Customer'),
  },
  OrderLine: {
    unitPrice: (l: PricedLine) => toMoney(l.unitPriceCents, l.currency),
    lineTotal: (l: PricedLine) => toMoney(l.quantity * l.unitPriceCents, l.currency),
    lineTotalCents: (l: PricedLine) => l.quantity * l.unitPriceCents,
  },
  KnowledgeArticle: { id: globalId('KnowledgeArticle') },
  CommunityThread: {
    id: globalId('CommunityThread'),
    author: (t: CommunityThread, _: unknown, ctx) => (t.authorCustomerId ? ctx.loaders.customer.load(t.authorCustomerId) : null),
    posts: (t: CommunityThread, args: PageArgs, ctx) => communityUC.listPosts(ctx.tenant, t.id, args),
  },
  CommunityPost: {
    id: globalId('CommunityPost'),
    thread: (p: CommunityPost, _: unknown, ctx) => required(ctx.loaders.thread.load(p.threadId), 'CommunityThread'),
    authorCustomer: (p: CommunityPost, _: unknown, ctx) => (p.authorCustomerId ? ctx.loaders.customer.load(p.authorCustomerId) : null),
    authorAgent: (p: CommunityPost, _: unknown, ctx) => (p.authorAgentId ? ctx.loaders.agent.load(p.authorAgentId) : null),
  },
  Agent: {
    id: globalId('Agent'),
    skills: (a: Agent, _: unknown, ctx) => ctx.loaders.skills.load(a.id),
    openCaseCount: (a: Agent, _: unknown, ctx) => ctx.loaders.openCaseCount.load(a.id),
  },
  Queue: {
    id: globalId('Queue'),
    cases: (q: Queue, args: PageArgs & { status?: Case['status'] }, ctx) =>
      caseUC.listCases(ctx.tenant, { ...args, filter: { queueId: q.id, status: args.status } }),
  },
};

const TIMELINE_TYPENAME = { INTERACTION: 'Interaction', CASE: 'Case', ORDER: 'Order' } as const;

/** A timeline entry as the TimelineItem union resolves it (also for live subscriptions). */
export function timelineNode(item: TimelineItem) {
  return { ...item.item, __typename: TIMELINE_TYPENAME[item.kind] };
}

