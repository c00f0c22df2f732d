import type { IResolvers } from '@graphql-tools/utils';
import type { RoutingCandidateSnapshot } from '../../db/tenant-schema.js';
import type { Agent, Queue } from '../../domain/agents.js';
import type { Case } from '../../domain/cases.js';
import type { PageArgs } from '../../domain/pagination.js';
import * as routing from '../../domain/routing/index.js';
import { notFound } from '../../lib/errors.js';
import { toGlobalId } from '../../lib/ids.js';
import { assertCanWrite } from '../../tenancy/context.js';
import type { GraphQLContext } from '../context.js';
import { decodeIdArgument, decodeInput } from '../mutation-input.js';
import { mapLoader, perRequest } from '../request-loaders.js';

type Input = { input: Record<string, unknown> };

/** The `input` argument checked (ids, the domain's rules, the text rule) with its ids decoded. */
function checked(ctx: GraphQLContext, input: Input['input'], schema: Parameters<typeof decodeInput>[3], ids: Record<string, string> = {}) {
  assertCanWrite(ctx.tenant);
  return decodeInput('input', input, ids, schema);
}

async function agentOf(ctx: GraphQLContext, id: string): Promise<Agent> {
  const agent = await ctx.loaders.agent.load(id);
  if (!agent) throw notFound('Agent');
  return agent;
}

/** Every agent of a page gets its load from one query (the channel weights read once). */
const loaders = perRequest((ctx) => ({
  loadUnits: mapLoader(async (ids) => routing.loadsOf(ctx.tenant.data.db, await routing.loadChannelWeights(ctx.tenant.data.db), ids), 0),
}));

const offerView = (item: routing.WorkItem) => ({ item });
type OfferView = ReturnType<typeof offerView>;

export const routingResolvers: IResolvers<unknown, GraphQLContext> = {
  Agent: {
    presence: (a: Agent) => routing.presenceOf(a),
    presenceSince: (a: Agent) => a.presenceSince ?? null,
    loadUnits: (a: Agent, _: unknown, ctx) => loaders(ctx).loadUnits.load(a.id),
    offers: async (a: Agent, _: unknown, ctx) => (await routing.offersOf(ctx.tenant, a.id)).map(offerView),
  },
  Queue: {
    routing: (q: Queue, _: unknown, ctx) => routing.getQueueRouting(ctx.tenant.data.db, q.id),
  },
  QueueRouting: {
    fallbackQueue: (r: routing.QueueRouting, _: unknown, ctx) => (r.fallbackQueueId ? ctx.loaders.queue.load(r.fallbackQueueId) : null),
  },
  Case: {
    routingDecisions: (c: Case, args: PageArgs, ctx) => routing.listDecisions(ctx.tenant, c.id, args),
    participants: async (c: Case, _: unknown, ctx) => (await routing.participantsOf(ctx.tenant, c.id)),
  },
  CaseParticipant: {
    agent: (p: routing.CaseParticipant, _: unknown, ctx) => agentOf(ctx, p.agentId),
    invitedAt: (p: routing.CaseParticipant) => p.createdAt,
  },
  RoutingOffer: {
    case: async ({ item }: OfferView, _: unknown, ctx) => {
      const kase = await ctx.loaders.case.load(item.caseId);
      if (!kase) throw notFound('Case');
      return kase;
    },
    agent: ({ item }: OfferView, _: unknown, ctx) => agentOf(ctx, item.agentId!),
    offeredAt: ({ item }: OfferView) => item.offeredAt,
    expiresAt: ({ item }: OfferView) => item.offerExpiresAt,
    weight: ({ item }: OfferView) => item.weight,
    decision: ({ item }: OfferView, _: unknown, ctx) => routing.offerDecision(ctx.tenant, item.caseId, item.agentId!),
  },
  RoutingDecision: {
    id: (d: routing.RoutingDecision) => toGlobalId('RoutingDecision', d.id),
    agent: (d: routing.RoutingDecision, _: unknown, ctx) => (d.agentId ? ctx.loaders.agent.load(d.agentId) : null),
    queue: (d: routing.RoutingDecision, _: unknown, ctx) => (d.queueId ? ctx.loaders.queue.load(d.queueId) : null),
  },
  RoutingCandidate: {
    // An agent deleted since the decision reads as null; the numbers stay.
    agent: (c: RoutingCandidateSnapshot, _: unknown, ctx) => ctx.loaders.agent.load(c.agentId).then((a) => a ?? null),
    idleSince: (c: RoutingCandidateSnapshot) => new Date(c.idleSince),
  },
  Query: {
    myOffers: async (_: unknown, __: unknown, ctx: GraphQLContext) =>
      (ctx.tenant.agentId ? (await routing.offersOf(ctx.tenant, ctx.tenant.agentId)).map(offerView) : []),
    channelWeights: async (_: unknown, __: unknown, ctx: GraphQLContext) =>
      Object.entries(await routing.loadChannelWeights(ctx.tenant.data.db)).map(([channel, units]) => ({ channel, units })),
  },
  Mutation: {
    setPresence: async (_: unknown, { input }: Input, ctx: GraphQLContext) =>
      ({ agent: await routing.setPresence(ctx.tenant, checked(ctx, input, routing.setPresenceInput, { agentId: 'Agent' })) }),
    configureQueueRouting: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const configured = await routing.configureQueueRouting(ctx.tenant, checked(ctx, input, routing.queueRoutingInput, { queueId: 'Queue', fallbackQueueId: 'Queue' }));
      return { queue: await ctx.loaders.queue.load(configured.queueId) };
    },
    setChannelWeights: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const weights = await routing.setChannelWeights(ctx.tenant, checked(ctx, input, routing.channelWeightsInput));
      return { channelWeights: Object.entries(weights).map(([channel, units]) => ({ channel, units })) };
    },
    acceptOffer: async (_: unknown, args: { caseId: string }, ctx: GraphQLContext) => {
      assertCanWrite(ctx.tenant);
      return { case: await routing.acceptOffer(ctx.tenant, decodeIdArgument('caseId', args.caseId, 'Case')) };
    },
    declineOffer: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const { caseId, ...rest } = checked(ctx, input, routing.declineInput, { caseId: 'Case' });
      return { case: await routing.declineOffer(ctx.tenant, caseId as string, rest) };
    },
    transferCase: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const { caseId, ...rest } = checked(ctx, input, routing.transferInput, { caseId: 'Case', toAgentId: 'Agent', toQueueId: 'Queue' });
      return { case: await routing.transferCase(ctx.tenant, caseId as string, rest) };
    },
    releaseCase: async (_: unknown, args: { caseId: string }, ctx: GraphQLContext) => {
      assertCanWrite(ctx.tenant);
      return { case: await routing.releaseCase(ctx.tenant, decodeIdArgument('caseId', args.caseId, 'Case')) };
    },
    inviteExpert: async (_: unknown, { input }: Input, ctx: GraphQLContext) => {
      const { caseId, agentId } = checked(ctx, input, undefined, { caseId: 'Case', agentId: 'Agent' });
      const participant = await routing.inviteExpert(ctx.tenant, caseId as string, agentId as string);
      return { case: await ctx.loaders.case.load(caseId as string), participant };
    },
  },
};
