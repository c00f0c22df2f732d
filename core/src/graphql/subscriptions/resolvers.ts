import type { IResolvers } from '@graphql-tools/utils';
import { getCase } from '../../domain/cases.js';
import { getCustomer } from '../../domain/customers.js';
import { liveEvents, type LiveEvent, type LiveSubscription } from '../../domain/live-events.js';
import { timelineItemOfEvent } from '../../domain/timeline.js';
import type { GraphQLContext } from '../context.js';
import { localId } from '../ids.js';
import { createLoaders } from '../loaders.js';
import { timelineNode } from '../type-resolvers.js';

type CaseEvent = Extract<LiveEvent, { case: unknown }>;
const isCaseEvent = (e: LiveEvent): e is CaseEvent => 'case' in e;

/** The caller's tenant's events that pass `filter`, holding one of its slots while open. */
function liveStream(ctx: GraphQLContext, filter: (e: LiveEvent) => boolean): LiveSubscription {
  let live: LiveSubscription | undefined;
  const release = ctx.subscriptionSlots.acquire(ctx.tenant.tenantId, ctx.tenant.actor, () => void live?.return());
  live = liveEvents.subscribe(ctx.tenant.tenantId, filter, release);
  return live;
}

/**
 * Every event is executed with the subscription's one context; fresh loaders per event keep a
 * long-lived stream from serving rows cached hours ago (and from growing without bound).
 */
function freshLoaders<T>(ctx: GraphQLContext, payload: T): T {
  ctx.loaders = createLoaders(ctx.tenant);
  return payload;
}

/** Subscription.* : check the ids (NOT_FOUND before any stream), then listen to the tenant's bus. */
export const subscriptionResolvers: IResolvers<unknown, GraphQLContext> = {
  Subscription: {
    timelineItemAdded: {
      subscribe: async (_: unknown, args: { customerId: string }, ctx: GraphQLContext) => {
        const customerId = localId('Customer', args.customerId);
        await getCustomer(ctx.tenant, customerId);
        return liveStream(ctx, (e) => e.customerId === customerId && timelineItemOfEvent(e) !== null);
      },
      resolve: (e: LiveEvent, _: unknown, ctx: GraphQLContext) => freshLoaders(ctx, timelineNode(timelineItemOfEvent(e)!)),
    },
    caseUpdated: {
      subscribe: async (_: unknown, args: { caseId?: string | null }, ctx: GraphQLContext) => {
        const caseId = args.caseId == null ? null : localId('Case', args.caseId);
        if (caseId !== null) await getCase(ctx.tenant, caseId);
        return liveStream(ctx, (e) => isCaseEvent(e) && (caseId === null || e.case.id === caseId));
      },
      resolve: (e: CaseEvent, _: unknown, ctx: GraphQLContext) => freshLoaders(ctx, e.case),
    },
  },
};
