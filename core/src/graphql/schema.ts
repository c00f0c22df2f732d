import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { JSONResolver } from 'graphql-scalars';
import { agentToolsResolvers, agentToolsTypeDefs } from './agent-tools/index.js';
import { communityResolvers, communityTypeDefs } from './community/index.js';
import { intakeResolvers, intakeTypeDefs } from './intake/index.js';
import { knowledgeResolvers, knowledgeTypeDefs } from './knowledge/index.js';
import { metricsResolvers, metricsTypeDefs } from './metrics/index.js';
import { baseTypeDefs } from './base-sdl.js';
import { coreFieldsAhead } from './fields-ahead.js';
import { resolveListsAhead } from './lists-ahead.js';
import { pluginAdminResolvers } from './plugin-admin-resolvers.js';
import { pluginAdminTypeDefs } from './plugin-admin-sdl.js';
import { mutationResolvers } from './mutation-resolvers.js';
import { queryResolvers } from './query-resolvers.js';
import { routingResolvers, routingTypeDefs } from './routing/index.js';
import { slaResolvers, slaTypeDefs } from './sla/index.js';
import { DateTime, scalarBehaviour } from './scalars.js';
import { subscriptionResolvers, subscriptionTypeDefs } from './subscriptions/index.js';
import { typeResolvers } from './type-resolvers.js';

/** The core schema, built once per process; per-tenant extensions compose on top of it. */
export function createBaseSchema(): GraphQLSchema {
  const schema = makeExecutableSchema({
    typeDefs: [baseTypeDefs, pluginAdminTypeDefs, subscriptionTypeDefs, knowledgeTypeDefs, routingTypeDefs, slaTypeDefs, intakeTypeDefs, metricsTypeDefs, agentToolsTypeDefs, communityTypeDefs],
    resolvers: [{ DateTime: scalarBehaviour(DateTime), JSON: scalarBehaviour(JSONResolver) }, typeResolvers, queryResolvers, mutationResolvers, pluginAdminResolvers, subscriptionResolvers, knowledgeResolvers, routingResolvers, slaResolvers, intakeResolvers, metricsResolvers, agentToolsResolvers, communityResolvers],
  });
  resolveListsAhead(schema, coreFieldsAhead);
  return schema;
}
