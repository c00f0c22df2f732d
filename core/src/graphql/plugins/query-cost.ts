import { createRequire } from 'node:module';
import { GraphQLError, getNamedType, isObjectType, type DocumentNode, type GraphQLField, type GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { ComplexityEstimatorArgs } from 'graphql-query-complexity';
import type { Plugin } from 'graphql-yoga';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../domain/pagination.js';
import { CostBuckets } from '../../lib/cost-buckets.js';
import type { ServerConfig } from '../../config.js';
import type { ServerContext } from '../context.js';

// Its ESM build imports graphql/index.mjs while everything else gets graphql's CJS entry (graphql 16
// has no exports map); two graphql instances reject each other's schemas, so take the CJS build.
// Loaded with require: a default import of that CJS module is module.exports under Node but
// exports.default (a lone function, no estimators) under vite/vitest interop, which broke every
// operation in tests with "simpleEstimator is not a function".
const { getComplexity, simpleEstimator } = createRequire(import.meta.url)(
  'graphql-query-complexity',
) as typeof import('graphql-query-complexity');

const isConnection = (field: GraphQLField<unknown, unknown>) => {
  const type = getNamedType(field.type);
  return isObjectType(type) && type.name.endsWith('Connection');
};

/** A connection costs its page size times what each item costs; `first` beyond the cap is refused. */
function connectionEstimator({ field, args, childComplexity }: ComplexityEstimatorArgs): number | void {
  if (!isConnection(field)) return undefined;
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (typeof first !== 'number' || first < 0 || first > MAX_PAGE_SIZE) {
    throw new GraphQLError(`first must be an integer from 0 to ${MAX_PAGE_SIZE}`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return 1 + Math.max(first, 1) * childComplexity;
}

const estimators = [connectionEstimator, simpleEstimator({ defaultComplexity: 1 })];

/**
 * Cost depends only on schema, document, operation and variables. yoga hands the same parsed
 * document object for the same query text, so results are kept per schema and document, a few
 * variable sets each: a repeated query is not walked again on every request.
 */
const costs = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, LRUCache<string, number | GraphQLError>>>();

function costOf(schema: GraphQLSchema, document: DocumentNode, variables: unknown, operationName: string | null | undefined) {
  let bySchema = costs.get(schema);
  if (!bySchema) costs.set(schema, (bySchema = new WeakMap()));
  let byVariables = bySchema.get(document);
  if (!byVariables) bySchema.set(document, (byVariables = new LRUCache({ max: 64 })));
  const key = `${operationName ?? ''}\u0000${JSON.stringify(variables ?? {})}`;
  let cost = byVariables.get(key);
  if (cost === undefined) {
    try {
      cost = getComplexity({
        schema, query: document, variables: (variables ?? {}) as Record<string, unknown>, operationName: operationName ?? undefined, estimators,
      });
    } catch (error) {
      cost = error instanceof GraphQLError ? error : new GraphQLError(String(error), { extensions: { code: 'BAD_USER_INPUT' } });
    }
    byVariables.set(key, cost);
  }
  return cost;
}

/**
 * Prices each operation with its variables (page sizes multiply), refuses ones over the
 * per-operation ceiling, and charges the rest to the calling tenant's budget — all before any
 * resolver runs.
 */
export function queryCostPlugin(limits: ServerConfig['limits']): Plugin<ServerContext> {
  const buckets = new CostBuckets(limits.costPerMinute);
  return {
    onExecute({ args, setResultAndStopExecution, extendContext }) {
      const reject = (error: GraphQLError) => setResultAndStopExecution({ errors: [error] });
      const cost = costOf(args.schema, args.document, args.variableValues, args.operationName);
      if (cost instanceof GraphQLError) return reject(cost);
      // An operation dearer than a whole minute's budget could never be served: answering
      // RATE_LIMITED with a retry time would send the client into retrying for ever.
      const maxCost = Math.min(limits.maxQueryCost, limits.costPerMinute);
      if (cost > maxCost) {
        return reject(new GraphQLError(`query cost ${cost} exceeds the limit of ${maxCost}; ask for smaller pages`, {
          extensions: { code: 'QUERY_TOO_COMPLEX', cost, maxCost },
        }));
      }
      const tenant = (args.contextValue as ServerContext).tenant;
      const taken = buckets.take(tenant.tenantId, cost);
      if (!taken.ok) {
        return reject(new GraphQLError(`rate limit reached for this tenant; retry in ${taken.retryAfterSeconds}s`, {
          extensions: { code: 'RATE_LIMITED', retryAfterSeconds: taken.retryAfterSeconds, http: { status: 429, headers: { 'retry-after': String(taken.retryAfterSeconds) } } },
        }));
      }
      extendContext({ queryCost: cost } as never);
    },
  };
}
