import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { GraphQLError, Kind, getOperationAST, type DocumentNode, type GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { CostBuckets, type CostLimiter, type CostTake } from '../../lib/cost-buckets.js';
import type { ServerConfig } from '../../config.js';
import { databaseFailure, databaseFailureHttp } from '../../db/failures.js';
import type { ServerContext } from '../context.js';
import { requestRefused } from '../errors.js';
import { costEstimators } from './cost-estimators.js';

// Its ESM build imports graphql/index.mjs while everything else gets graphql's CJS entry (graphql 16
// has no exports map); two graphql instances reject each other's schemas, so take the CJS build.
// Loaded with require: a default import of that CJS module is module.exports under Node but
// exports.default (a lone function, no estimators) under vite/vitest interop, which broke every
// operation in tests with "simpleEstimator is not a function".
const { getComplexity, simpleEstimator } = createRequire(import.meta.url)(
  'graphql-query-complexity',
) as typeof import('graphql-query-complexity');

/**
 * What the cost can depend on besides the document: page sizes (`first: $n`, an Int),
 * `@include/@skip(if: $b)` (a Boolean) and the length of lists (`nodes(ids: $ids)`). Those
 * values, digested, are the cache key — never the raw variables, which may be megabytes. Undefined when a value is not a plain scalar (it will
 * fail coercion anyway): such a request is priced without the cache.
 */
function costKey(document: DocumentNode, variables: Record<string, unknown>, operationName: string | undefined): string | undefined {
  const operation = getOperationAST(document, operationName);
  if (!operation) return undefined;
  const relevant: unknown[] = [operationName ?? ''];
  for (const definition of operation.variableDefinitions ?? []) {
    const type = definition.type.kind === Kind.NON_NULL_TYPE ? definition.type.type : definition.type;
    const value = variables[definition.variable.name.value];
    if (type.kind === Kind.LIST_TYPE) {
      // nodes(ids: $ids) costs per id: a list's length counts, its contents never do.
      relevant.push(Array.isArray(value) ? value.length : value === undefined ? 'default' : null);
      continue;
    }
    if (type.kind !== Kind.NAMED_TYPE || (type.name.value !== 'Int' && type.name.value !== 'Boolean')) continue;
    if (value !== undefined && value !== null && typeof value !== 'number' && typeof value !== 'boolean') return undefined;
    relevant.push(value === undefined ? 'default' : value); // absent takes the default; null does not
  }
  // Nothing but the name, which is one of the document's own: no digest needed.
  if (relevant.length === 1) return `name:${operationName ?? ''}`;
  return createHash('sha1').update(JSON.stringify(relevant)).digest('base64');
}

/**
 * yoga hands the same parsed document object for the same query text, so costs are kept per
 * schema and document, a few page-size combinations each (fixed-size keys, at most 64 per
 * document): a repeated query is not walked again on every request.
 */
const costs = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, LRUCache<string, number>>>();

function computeCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>, operationName: string | undefined) {
  try {
    const estimators = [...costEstimators(document), simpleEstimator({ defaultComplexity: 1 })];
    return getComplexity({ schema, query: document, variables, operationName, estimators });
  } catch (error) {
    // Bad variables or page sizes; anything else is an internal fault for the error masker.
    if (error instanceof GraphQLError) return error;
    throw error;
  }
}

function costOf(schema: GraphQLSchema, document: DocumentNode, rawVariables: unknown, rawOperationName: string | null | undefined) {
  const variables = (rawVariables ?? {}) as Record<string, unknown>;
  const operationName = rawOperationName ?? undefined;
  const key = costKey(document, variables, operationName);
  if (key === undefined) return computeCost(schema, document, variables, operationName);
  let bySchema = costs.get(schema);
  if (!bySchema) costs.set(schema, (bySchema = new WeakMap()));
  let byKey = bySchema.get(document);
  if (!byKey) bySchema.set(document, (byKey = new LRUCache({ max: 64 })));
  const cached = byKey.get(key);
  if (cached !== undefined) return cached;
  const cost = computeCost(schema, document, variables, operationName);
  // An error may come from a variable outside the key (a bad String, say): never cache it.
  if (typeof cost === 'number') byKey.set(key, cost);
  return cost;
}

/**
 * Prices each operation with its variables (page sizes multiply), refuses ones over the
 * per-operation ceiling, and charges the rest to the calling tenant's budget — all before any
 * resolver runs. Every response of an authenticated caller then tells the price and what is left
 * in `extensions.cost` (Shopify's shape), so clients can pace themselves instead of guessing:
 * `{ requestedQueryCost, throttleStatus: { maximumAvailable, currentlyAvailable, restoreRate } }`
 * (`requestedQueryCost` is 0 when the operation was refused before it was priced).
 * `buckets` are this process's own unless several nodes share them (SharedCostBuckets).
 */
export function queryCostPlugin(limits: ServerConfig['limits'], buckets: CostLimiter = new CostBuckets(limits.costPerMinute)): Plugin<ServerContext> {
  const requested = new WeakMap<Request, number>();
  // Subscriptions are priced and charged the same way, once, when they start.
  const price: NonNullable<Plugin<ServerContext>['onExecute'] & Plugin<ServerContext>['onSubscribe']> = ({ args, setResultAndStopExecution, extendContext }) => {
    const reject = (error: GraphQLError) => setResultAndStopExecution({ errors: [error] });
    const cost = costOf(args.schema, args.document, args.variableValues, args.operationName);
    if (cost instanceof GraphQLError) return reject(cost);
    const context = args.contextValue as ServerContext & { request: Request };
    requested.set(context.request, cost);
    // An operation dearer than a whole minute's budget could never be served: answering
    // RATE_LIMITED with a retry time would send the client into retrying for ever.
    const maxCost = Math.min(limits.maxQueryCost, limits.costPerMinute);
    if (cost > maxCost) {
      return reject(requestRefused(`query cost ${cost} exceeds the limit of ${maxCost}; ask for smaller pages`, 'QUERY_TOO_COMPLEX', { cost, maxCost }));
    }
    const charged = (taken: CostTake) => {
      if (!taken.ok) {
        return reject(new GraphQLError(`rate limit reached for this tenant; retry in ${taken.retryAfterSeconds}s`, {
          extensions: { code: 'RATE_LIMITED', retryAfterSeconds: taken.retryAfterSeconds, http: { status: 429, headers: { 'retry-after': String(taken.retryAfterSeconds) } } },
        }));
      }
      extendContext({ queryCost: cost } as never);
    };
    const taken = buckets.take(context.tenant.tenantId, cost);
    // A shared budget may have to ask the database; the in-process one answers at once, and stays synchronous.
    if (!(taken instanceof Promise)) return charged(taken);
    return taken.then(charged, (error: unknown) => {
      // A database that cannot be reached is said as such (503, retry); anything else is an internal fault.
      const failure = databaseFailure(error);
      if (!failure) throw error;
      return reject(new GraphQLError(failure.message, { extensions: { code: failure.code, ...failure.details, http: databaseFailureHttp(failure) } }));
    });
  };
  return {
    onExecute: price,
    onSubscribe: price,
    onResultProcess({ request, result, setResult, serverContext }) {
      // Absent for requests that never reached GraphQL with a key (GraphiQL's page).
      const tenant = (serverContext as Partial<ServerContext>).tenant;
      if (!tenant || Array.isArray(result) || isAsyncIterable(result)) return;
      const cost = { requestedQueryCost: requested.get(request) ?? 0, throttleStatus: buckets.status(tenant.tenantId) };
      setResult({ ...result, extensions: { ...result.extensions, cost } });
    },
  };
}
