/**
 * Fills one tenant database with realistic, seeded customer-service data, fast enough for
 * 100k customers and a million interactions: rows are generated a chunk of customers at a time
 * and written as multi-row INSERTs, one transaction per chunk, so memory stays bounded and an
 * interrupted run leaves only whole chunks behind.
 */
import type { Client, InStatement } from '@libsql/client';
import type { TenantDb } from '../db/tenant-db.js';
import { newId } from '../lib/ids.js';
import { addArticles, addThreads } from './content-rows.js';
import { recomputeHelpfulnessStatement } from '../domain/knowledge/helpfulness.js';
import { createTables, YEAR, type AgentRef, type SeedContext } from './context.js';
import { addAccount, addCustomer, type AccountRef } from './customer-rows.js';
import { buildPools, SKILLS, type Topic } from './pools.js';
import { mixSeed, Rng, Weighted } from './rng.js';
import { BatchWriter } from './sql-writer.js';

export interface SeedProgress {
  phase: string;
  done: number;
  total: number;
}

export interface SeedOptions {
  customers: number;
  /** Average interactions per customer (default 10); individual customers vary a lot. */
  interactionsPerCustomer?: number;
  /** Same seed on a database in the same state gives the same data (ids and times aside). */
  seed?: number;
  onProgress?: (p: SeedProgress) => void;
}

/** Rows inserted per table by this call, and how long it took. */
export interface SeedSummary {
  accounts: number;
  customers: number;
  identities: number;
  agents: number;
  agentSkills: number;
  queues: number;
  cases: number;
  interactions: number;
  orders: number;
  orderLines: number;
  knowledgeArticles: number;
  articleRatings: number;
  caseSurveys: number;
  communityThreads: number;
  communityPosts: number;
  communityVotes: number;
  elapsedMs: number;
}

const QUEUES: { name: string; topic: Topic; description: string; skill: string | null }[] = [
  { name: 'Billing', topic: 'billing', description: 'Invoices, payments, refunds and subscriptions', skill: 'billing' },
  { name: 'Shipping', topic: 'shipping', description: 'Deliveries, tracking and lost parcels', skill: 'shipping' },
  { name: 'Technical', topic: 'technical', description: 'Devices, app and account access problems', skill: 'technical' },
  { name: 'Returns', topic: 'returns', description: 'Returns, exchanges and missing items', skill: 'returns' },
  { name: 'General', topic: 'general', description: 'Everything else', skill: null },
];

/** Counter rows (in the tenant's `counters` table) that let a later run continue numbering. */
/** Seeds the addresses' own generator, apart from the main one. */
const PLACES_STREAM = 0x9e0c0de5;
const SURVEYS_STREAM = 0x5a71cf1e;
const COUNTERS = { caseNumber: 'case_number', customer: 'seed:customers', agent: 'seed:agents', order: 'seed:orders' };

const AGENT_STATUS = new Weighted([['ONLINE', 40], ['AWAY', 15], ['OFFLINE', 45]] as const);
const ARTICLES_PER_RUN = 50;
const THREADS_PER_RUN = 20;
/**
 * Rows per transaction. Interactions land all over the occurred_at indexes, so every commit
 * rewrites most of their pages (WAL, then checkpoint): fewer, larger transactions write far less
 * (4.6 GB instead of 9 GB for 1M interactions at 30k rows), for ~0.5 GB peak RSS.
 */
const ROWS_PER_CHUNK = 100_000;
/** Rows a customer brings besides interactions: itself, ~2.2 identities, ~1.5 orders, ~2.6 lines, ~0.3 cases. */
const OTHER_ROWS_PER_CUSTOMER = 8;

/**
 * Adds `opts.customers` customers with their accounts, identities, cases, interactions and orders,
 * plus agents, queues (created once), knowledge articles and community threads. Writes go straight
 * through `data.client.batch`, not the tenant's `write()` queue, and numbering is read once at the
 * start: meant for a tenant nobody else writes to meanwhile (CLI, tests, benchmarks).
 */
export async function seedTenant(data: TenantDb, opts: SeedOptions): Promise<SeedSummary> {
  const started = performance.now();
  const customers = opts.customers;
  const perCustomer = opts.interactionsPerCustomer ?? 10;
  if (!Number.isInteger(customers) || customers < 0) throw new RangeError('customers must be a non-negative integer');
  if (!(perCustomer >= 0) || !Number.isFinite(perCustomer)) throw new RangeError('interactionsPerCustomer must be >= 0');
  const progress = opts.onProgress ?? (() => {});

  const seq = await readSequences(data.client);
  // Mixing in where numbering stands makes a second run on the same tenant add different people.
  const runSeed = mixSeed(opts.seed ?? 1, seq.customer);
  const rng = new Rng(runSeed);
  const writer = new BatchWriter(data.client);
  const ctx: SeedContext = {
    rng,
    places: new Rng(mixSeed(runSeed, PLACES_STREAM)),
    surveys: new Rng(mixSeed(runSeed, SURVEYS_STREAM)),
    pools: buildPools(runSeed, rng.fork()),
    t: createTables(writer),
    now: Date.now(),
    agents: [],
    agentsBySkill: new Map(),
    queueByTopic: new Map(),
    seq,
    sample: [],
    sampled: 0,
  };

  progress({ phase: 'setup', done: 0, total: 1 });
  const queuesAdded = await ensureQueues(data.client, ctx);
  addAgents(ctx, Math.max(5, Math.round(customers / 500)));
  await writer.flush([counterUpsert(COUNTERS.agent, ctx.seq.agent)]);
  progress({ phase: 'setup', done: 1, total: 1 });

  const totalAccounts = customers > 0 ? Math.max(1, Math.round(customers / 20)) : 0;
  const chunk = Math.max(50, Math.min(10_000, Math.floor(ROWS_PER_CHUNK / (perCustomer + OTHER_ROWS_PER_CUSTOMER))));
  let accounts: AccountRef[] = [];
  for (let done = 0; done < customers;) {
    const size = Math.min(chunk, customers - done);
    // Accounts are spread over the chunks in proportion, each chunk's customers join its accounts.
    const accountCount = Math.ceil((totalAccounts * (done + size)) / customers) - Math.ceil((totalAccounts * done) / customers);
    if (accountCount > 0) accounts = Array.from({ length: accountCount }, () => addAccount(ctx));
    for (let i = 0; i < size; i++) {
      const account = accounts.length > 0 && rng.chance(0.85) ? rng.pick(accounts) : null;
      addCustomer(ctx, account, perCustomer);
    }
    done += size;
    await writer.flush([
      counterUpsert(COUNTERS.caseNumber, ctx.seq.caseNumber - 1),
      counterUpsert(COUNTERS.customer, ctx.seq.customer),
      counterUpsert(COUNTERS.order, ctx.seq.order - 1),
    ]);
    progress({ phase: 'customers', done, total: customers });
    // The batch ran synchronously; let timers and I/O of the host process breathe between chunks.
    await new Promise((resolve) => setImmediate(resolve));
  }

  progress({ phase: 'content', done: 0, total: 1 });
  addArticles(ctx, ARTICLES_PER_RUN);
  addThreads(ctx, THREADS_PER_RUN);
  // The seeded counters become the stored helpfulness search ranks by.
  await writer.flush([recomputeHelpfulnessStatement()]);
  progress({ phase: 'content', done: 1, total: 1 });

  const n = (table: string) => writer.written(table);
  return {
    accounts: n('accounts'),
    customers: n('customers'),
    identities: n('identities'),
    agents: n('agents'),
    agentSkills: n('agent_skills'),
    queues: queuesAdded,
    cases: n('cases'),
    interactions: n('interactions'),
    orders: n('orders'),
    orderLines: n('order_lines'),
    knowledgeArticles: n('knowledge_articles'),
    articleRatings: n('article_ratings'),
    caseSurveys: n('case_surveys'),
    communityThreads: n('community_threads'),
    communityPosts: n('community_posts'),
    communityVotes: n('community_votes'),
    elapsedMs: Math.round(performance.now() - started),
  };
}

/**
 * Where numbering continues. Case numbers follow the app's own counter (or the highest number
 * present, should the counter lag); the others are the seeder's own, kept in `counters` too.
 */
async function readSequences(client: Client): Promise<SeedContext['seq']> {
  const names = Object.values(COUNTERS);
  const rs = await client.execute({
    sql: `SELECT name, value FROM counters WHERE name IN (${names.map(() => '?').join(',')})`,
    args: names,
  });
  const value = (name: string) => Number(rs.rows.find((r) => r.name === name)?.value ?? 0);
  const maxCase = await client.execute('SELECT coalesce(max(number), 0) AS n FROM cases');
  return {
    caseNumber: Math.max(value(COUNTERS.caseNumber), Number(maxCase.rows[0]?.n ?? 0)) + 1,
    customer: value(COUNTERS.customer),
    agent: value(COUNTERS.agent),
    order: value(COUNTERS.order) + 1,
  };
}

function counterUpsert(name: string, value: number): InStatement {
  return {
    sql: 'INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = max(value, excluded.value)',
    args: [name, value],
  };
}

/** Queues are shared by all runs: create the missing ones, reuse those that exist (by name). */
async function ensureQueues(client: Client, ctx: SeedContext): Promise<number> {
  const args = QUEUES.flatMap((q) => [newId(), q.name, q.description, q.skill, ctx.now - 3 * YEAR]);
  const inserted = await client.execute({
    sql: `INSERT INTO queues (id, name, description, required_skill, created_at) VALUES ${QUEUES.map(() => '(?,?,?,?,?)').join(',')}
          ON CONFLICT(name) DO NOTHING`,
    args,
  });
  const rs = await client.execute({
    sql: `SELECT id, name FROM queues WHERE name IN (${QUEUES.map(() => '?').join(',')})`,
    args: QUEUES.map((q) => q.name),
  });
  for (const row of rs.rows) {
    const queue = QUEUES.find((q) => q.name === row.name);
    if (queue) ctx.queueByTopic.set(queue.topic, String(row.id));
  }
  return inserted.rowsAffected;
}

function addAgents(ctx: SeedContext, count: number): void {
  const { rng, pools, t, now } = ctx;
  for (let i = 0; i < count; i++) {
    const n = ctx.seq.agent++;
    const first = rng.pick(pools.firstNames);
    const last = rng.pick(pools.lastNames);
    const local = `${first}.${last}`.toLowerCase().replace(/[^a-z0-9.]/g, '');
    const agent: AgentRef = { id: newId(), capacity: rng.int(3, 8), openLoad: 0 };
    t.agents.add(agent.id, `${first} ${last}`, `${local}.${n}@support.example.com`, AGENT_STATUS.draw(rng), agent.capacity,
      now - Math.floor(rng.next() * 3 * YEAR));
    // Every queue skill gets agents (round robin), plus one or two extra skills at random.
    const skills = new Set<string>([SKILLS[i % 4]!]);
    const extra = rng.int(0, 2);
    for (let s = 0; s < extra; s++) skills.add(rng.pick(SKILLS));
    for (const skill of skills) {
      t.agentSkills.add(agent.id, skill, rng.int(1, 5));
      let list = ctx.agentsBySkill.get(skill);
      if (!list) ctx.agentsBySkill.set(skill, (list = []));
      list.push(agent);
    }
    ctx.agents.push(agent);
  }
}
