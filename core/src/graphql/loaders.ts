import DataLoader from 'dataloader';
import type { AnySQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import {
  accounts, agents, cases, communityPosts, communityThreads, customers, interactions,
  orders, queues,
} from '../db/tenant-schema.js';
import { customers as customerUseCases, agents as agentUseCases, knowledge as knowledgeUseCases, orders as orderUseCases } from '../domain/index.js';
import type { KnowledgeArticle } from '../domain/knowledge.js';
import { rowsByIds } from '../domain/rows.js';
import type { TenantContext } from '../tenancy/context.js';

type TableWithId = SQLiteTable & { id: AnySQLiteColumn };

/**
 * Options of every DataLoader that reads the database. Its batch waits for the event loop's
 * check phase instead of the next tick: a plugin field of the same request level, batched on the
 * next tick, sends its sandbox crossing first, and the sandbox works while SQLite (synchronous,
 * on this thread) answers the core's own batch.
 */
export const databaseBatch = { batchScheduleFn: (dispatch: () => void) => void setImmediate(dispatch) };

function byId<T extends TableWithId>(ctx: TenantContext, table: T) {
  return new DataLoader<string, T['$inferSelect'] | undefined>(async (ids) => {
    const rows = await rowsByIds(ctx.data.db, table, ids);
    return ids.map((id) => rows.get(id));
  }, databaseBatch);
}

function groupedBy<K extends string, R extends Record<K, unknown>>(
  load: (keys: readonly string[]) => Promise<R[]>,
  key: K,
) {
  return async (keys: readonly string[]): Promise<R[][]> => {
    const rows = await load(keys);
    const groups = new Map<string, R[]>(keys.map((k) => [k, []]));
    for (const row of rows) groups.get(row[key] as string)?.push(row);
    return keys.map((k) => groups.get(k) ?? []);
  };
}

/** How each of a request's loaders is made. */
const loaderMakers = {
  account: (ctx: TenantContext) => byId(ctx, accounts),
  customer: (ctx: TenantContext) => byId(ctx, customers),
  case: (ctx: TenantContext) => byId(ctx, cases),
  interaction: (ctx: TenantContext) => byId(ctx, interactions),
  order: (ctx: TenantContext) => byId(ctx, orders),
  agent: (ctx: TenantContext) => byId(ctx, agents),
  queue: (ctx: TenantContext) => byId(ctx, queues),
  // Only the articles the caller may read (a draft of someone else is not found, like a missing one).
  article: (ctx: TenantContext) => new DataLoader<string, KnowledgeArticle | undefined>(async (ids) => {
    const rows = await knowledgeUseCases.readableArticlesByIds(ctx, ids);
    return ids.map((id) => rows.get(id));
  }, databaseBatch),
  thread: (ctx: TenantContext) => byId(ctx, communityThreads),
  post: (ctx: TenantContext) => byId(ctx, communityPosts),
  identities: (ctx: TenantContext) => new DataLoader(groupedBy((ids) => customerUseCases.customerIdentities(ctx, ids), 'customerId'), databaseBatch),
  orderLines: (ctx: TenantContext) => new DataLoader(groupedBy((ids) => orderUseCases.linesOfOrders(ctx, ids), 'orderId'), databaseBatch),
  skills: (ctx: TenantContext) => new DataLoader(groupedBy((ids) => agentUseCases.skillsOfAgents(ctx, ids), 'agentId'), databaseBatch),
  openCaseCount: (ctx: TenantContext) => new DataLoader<string, number>(async (ids) => {
    const counts = await agentUseCases.openCaseCounts(ctx, ids);
    return ids.map((id) => counts.get(id) ?? 0);
  }, databaseBatch),
};

type LoaderName = keyof typeof loaderMakers;
export type Loaders = { readonly [K in LoaderName]: ReturnType<(typeof loaderMakers)[K]> };

/**
 * Per-request batching: every `customer`/`account`/... reference resolved in one request level
 * becomes one `IN (...)` query instead of one query per parent. A request makes only the loaders
 * it uses, on first use (most use two or three of them).
 */
class RequestLoaders {
  readonly made: Partial<Record<LoaderName, unknown>> = {};
  constructor(readonly ctx: TenantContext) {}
}
for (const name of Object.keys(loaderMakers) as LoaderName[]) {
  Object.defineProperty(RequestLoaders.prototype, name, {
    get(this: RequestLoaders) {
      return (this.made[name] ??= loaderMakers[name](this.ctx));
    },
  });
}

export const createLoaders = (ctx: TenantContext): Loaders => new RequestLoaders(ctx) as unknown as Loaders;
