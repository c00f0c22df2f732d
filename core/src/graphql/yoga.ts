import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { ServerConfig } from '../config.js';
import type { Logger } from '../lib/logger.js';
import type { ServerContext } from './context.js';
import { createErrorMasker } from './errors.js';
import { createLoaders } from './loaders.js';
import { armorLimits } from './plugins/armor-limits.js';
import { errorCodes } from './plugins/error-codes.js';
import { inputDepthLimit } from './plugins/input-depth.js';
import { introspectionPolicy } from './plugins/introspection-policy.js';
import { operationMetrics } from './plugins/operation-metrics.js';
import type { GraphQLMetrics } from '../ops/metrics.js';
import { queryCostPlugin } from './plugins/query-cost.js';
import type { CostLimiter } from '../lib/cost-buckets.js';
import { textArguments } from './plugins/text-arguments.js';
import { createBaseSchema } from './schema.js';
import { endSubscriptionsOnDispose, SubscriptionSlots } from './subscriptions/index.js';
import type { PluginPlatform } from '../plugins/platform.js';
import { graphiqlOptions, renderGraphiQLPage } from '../http/graphiql.js';
import { graphqlTracing } from '../ops/tracing-graphql.js';
import { tracingEnabled } from '../ops/tracing.js';

export type MosaicYoga = YogaServerInstance<ServerContext, object>;

/**
 * The GraphQL engine. Authentication happens before it (in the HTTP layer), so every operation
 * that reaches it already carries a verified tenant in its context.
 */
export function createGraphQLServer(
  config: ServerConfig,
  logger: Logger,
  plugins?: PluginPlatform,
  /** Shared with the console's live pages, so both count against the same limits and end on dispose. */
  subscriptionSlots = new SubscriptionSlots(config.limits),
  /** Where operation counts, latencies, errors and cost go (the server's /metrics). */
  metrics?: GraphQLMetrics,
  /** The tenants' cost budgets: shared by several nodes, or (by default) this process's own. */
  costBudgets?: CostLimiter,
): MosaicYoga {
  const base = createBaseSchema();
  return createYoga<ServerContext>({
    // Each tenant's own schema: core plus its installed plugins (cached per installation set).
    schema: (ctx) => (plugins && ctx.tenant ? plugins.schemaFor(ctx.tenant) : base),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // Our own page with GraphiQL's assets served locally (core/src/http/graphiql.ts).
    graphiql: graphiqlOptions,
    renderGraphiQL: renderGraphiQLPage,
    logging: false,
    cors: false,
    maskedErrors: { maskError: createErrorMasker(logger), isDev: config.devErrors },
    context: ({ tenant }) => ({ loaders: createLoaders(tenant), subscriptionSlots }),
    plugins: [
      // First, so its operation span covers every other plugin's work; absent while tracing is off.
      ...(tracingEnabled() ? [graphqlTracing(base)] : []),
      inputDepthLimit(config.limits),
      errorCodes(),
      ...armorLimits(config.limits),
      introspectionPolicy(config.introspection),
      // Before pricing: an operation with text the API refuses is neither run nor charged.
      textArguments(),
      queryCostPlugin(config.limits, costBudgets),
      // After pricing, so it sees the cost charged.
      ...(metrics ? [operationMetrics(metrics)] : []),
      endSubscriptionsOnDispose(subscriptionSlots),
    ],
  });
}
