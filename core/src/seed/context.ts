/**
 * Shared state of one seed run: the row buffers (in foreign-key order), pools, the generator
 * and the running numbers that must stay unique across runs.
 */
import type { Pools, Topic } from './pools.js';
import { Rng, Weighted } from './rng.js';
import type { BatchWriter } from './sql-writer.js';
import type { CASE_PRIORITIES, CASE_STATUSES, CHANNELS, ORDER_STATUSES } from '../db/tenant-schema.js';

export const DAY = 86_400_000;
export const YEAR = 365 * DAY;

/** Column lists match drizzle/tenant migrations; columns left out take their SQL default. */
export function createTables(w: BatchWriter) {
  return {
    accounts: w.table('accounts', ['id', 'name', 'domain', 'tier', 'address', 'created_at', 'updated_at']),
    customers: w.table('customers', ['id', 'account_id', 'name', 'email', 'phone', 'status', 'address', 'created_at', 'updated_at']),
    identities: w.table('identities', ['id', 'customer_id', 'kind', 'value', 'provider', 'verified', 'created_at']),
    agents: w.table('agents', ['id', 'name', 'email', 'status', 'capacity', 'created_at']),
    agentSkills: w.table('agent_skills', ['agent_id', 'skill', 'level']),
    cases: w.table('cases', [
      'id', 'number', 'customer_id', 'subject', 'description', 'status', 'priority', 'channel', 'queue_id', 'assignee_id',
      'created_at', 'updated_at',
    ]),
    interactions: w.table('interactions', [
      'id', 'customer_id', 'case_id', 'channel', 'direction', 'subject', 'body', 'agent_id', 'occurred_at', 'created_at',
    ], 'occurred_at'),
    orders: w.table('orders', ['id', 'number', 'customer_id', 'status', 'currency', 'total_cents', 'placed_at', 'created_at']),
    orderLines: w.table('order_lines', ['id', 'order_id', 'sku', 'name', 'quantity', 'unit_price_cents']),
    knowledgeArticles: w.table('knowledge_articles', [
      'id', 'title', 'body', 'visibility', 'locale', 'tags', 'helpful_count', 'not_helpful_count', 'created_at', 'updated_at',
    ]),
    knowledgeArticleVersions: w.table('knowledge_article_versions', ['article_id', 'version', 'title', 'body', 'visibility', 'locale', 'tags', 'author', 'created_at']),
    caseSurveys: w.table('case_surveys', ['case_id', 'customer_id', 'rating', 'comment', 'answered_at']),
    articleRatings: w.table('article_ratings', ['id', 'article_id', 'customer_id', 'helpful', 'comment', 'created_at']),
    communityThreads: w.table('community_threads', ['id', 'title', 'author_customer_id', 'created_at']),
    communityPosts: w.table('community_posts', ['id', 'thread_id', 'author_customer_id', 'author_agent_id', 'body', 'score', 'created_at']),
    communityVotes: w.table('community_votes', ['post_id', 'customer_id', 'value', 'created_at']),
  };
}

export type Tables = ReturnType<typeof createTables>;

export interface AgentRef {
  id: string;
  capacity: number;
  /** Open cases assigned in this run; kept under capacity so routing still finds agents. */
  openLoad: number;
}

export interface SeedContext {
  rng: Rng;
  /** Addresses' own stream (see addresses.ts). */
  places: Rng;
  /** Customers' ratings of solved cases: a stream of their own, so the other seeded values stay as they were. */
  surveys: Rng;
  pools: Pools;
  t: Tables;
  /** Wall clock at the start of the run; every timestamp is at or before it. */
  now: number;
  agents: AgentRef[];
  agentsBySkill: Map<string, AgentRef[]>;
  queueByTopic: Map<Topic, string>;
  /** Next numbers to hand out; they continue where earlier runs stopped. */
  seq: { customer: number; agent: number; order: number; caseNumber: number };
  /** Reservoir sample of this run's customers, for community authors, voters and raters. */
  sample: string[];
  sampled: number;
}

export const SAMPLE_SIZE = 1_000;

type Channel = (typeof CHANNELS)[number];

export const CHANNEL_MIX = new Weighted<Channel>([
  ['EMAIL', 30], ['CHAT', 25], ['PHONE', 18], ['SMS', 8], ['SOCIAL', 6], ['PORTAL', 10], ['VIDEO', 3],
]);
export const TOPIC_MIX = new Weighted<Topic>([['billing', 25], ['shipping', 30], ['technical', 20], ['returns', 15], ['general', 10]]);
export const PRIORITY_MIX = new Weighted<(typeof CASE_PRIORITIES)[number]>([['LOW', 20], ['NORMAL', 55], ['HIGH', 20], ['URGENT', 5]]);

type CaseStatus = (typeof CASE_STATUSES)[number];
/** Recent cases are still being worked on; old ones are nearly all done. */
export const CASE_STATUS_BY_AGE: [maxAgeMs: number, mix: Weighted<CaseStatus>][] = [
  [3 * DAY, new Weighted<CaseStatus>([['NEW', 40], ['OPEN', 40], ['PENDING', 20]])],
  [21 * DAY, new Weighted<CaseStatus>([['NEW', 3], ['OPEN', 22], ['PENDING', 20], ['SOLVED', 40], ['CLOSED', 15]])],
  [Infinity, new Weighted<CaseStatus>([['OPEN', 1], ['PENDING', 1], ['SOLVED', 23], ['CLOSED', 75]])],
];

type OrderStatus = (typeof ORDER_STATUSES)[number];
export const ORDER_STATUS_BY_AGE: [maxAgeMs: number, mix: Weighted<OrderStatus>][] = [
  [2 * DAY, new Weighted<OrderStatus>([['PENDING', 50], ['PAID', 45], ['CANCELLED', 5]])],
  [7 * DAY, new Weighted<OrderStatus>([['PAID', 15], ['SHIPPED', 70], ['DELIVERED', 10], ['CANCELLED', 5]])],
  [Infinity, new Weighted<OrderStatus>([['DELIVERED', 84], ['CANCELLED', 7], ['RETURNED', 9]])],
];

export function byAge<T>(table: [number, Weighted<T>][], ageMs: number, rng: Rng): T {
  for (const [max, mix] of table) if (ageMs < max) return mix.draw(rng);
  return table[table.length - 1]![1].draw(rng);
}

/** Uniform integer timestamp in [from, to]. */
export function between(rng: Rng, from: number, to: number): number {
  return from + Math.floor(rng.next() * (Math.max(0, to - from) + 1));
}

/** Keeps a uniform sample of the ids seen so far (Algorithm R). */
export function sampleCustomer(ctx: SeedContext, id: string): void {
  ctx.sampled++;
  if (ctx.sample.length < SAMPLE_SIZE) ctx.sample.push(id);
  else {
    const j = Math.floor(ctx.rng.next() * ctx.sampled);
    if (j < SAMPLE_SIZE) ctx.sample[j] = id;
  }
}
