import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantDatabases, type TenantDb } from '../db/tenant-db.js';
import { newId } from '../lib/ids.js';
import type { PostalAddress } from '../db/tenant-schema.js';
import { postalAddressInput } from '../domain/postal-address.js';
import { SEED_CITIES } from './addresses.js';
import { seedTenant, type SeedProgress, type SeedSummary } from './index.js';
import { phoneIdentity } from '../domain/phone-numbers.js';

const YEAR = 365 * 86_400_000;

async function scalar(client: Client, sql: string): Promise<number> {
  const rs = await client.execute(sql);
  return Number(rs.rows[0]?.[0] ?? 0);
}

async function rows(client: Client, sql: string): Promise<Record<string, unknown>[]> {
  return (await client.execute(sql)).rows.map((r) => ({ ...r }));
}

describe('seedTenant', () => {
  let dataDir: string;
  let dbs: TenantDatabases;
  let data: TenantDb;
  let summary: SeedSummary;
  const progress: SeedProgress[] = [];
  let startedAt: number;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mosaic-seed-'));
    dbs = new TenantDatabases({ kind: 'embedded', dataDir });
    data = await dbs.get(newId());
    startedAt = Date.now();
    summary = await seedTenant(data, { customers: 300, seed: 42, onProgress: (p) => progress.push(p) });
  }, 60_000);

  afterAll(async () => {
    await dbs?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('inserts the expected amounts, and the summary matches the tables', async () => {
    const c = data.client;
    expect(summary.customers).toBe(300);
    expect(summary.accounts).toBe(15);
    expect(summary.agents).toBe(5);
    expect(summary.queues).toBe(5);
    expect(summary.interactions).toBeGreaterThanOrEqual(2_400);
    expect(summary.interactions).toBeLessThanOrEqual(3_600);
    expect(summary.cases).toBeGreaterThanOrEqual(50);
    expect(summary.cases).toBeLessThanOrEqual(140);
    expect(summary.orders).toBeGreaterThanOrEqual(350);
    expect(summary.orders).toBeLessThanOrEqual(570);
    expect(summary.knowledgeArticles).toBe(50);
    expect(summary.communityThreads).toBe(20);
    expect(summary.elapsedMs).toBeGreaterThanOrEqual(0);
    const tables: [keyof SeedSummary, string][] = [
      ['accounts', 'accounts'], ['customers', 'customers'], ['identities', 'identities'], ['agents', 'agents'],
      ['agentSkills', 'agent_skills'], ['queues', 'queues'], ['cases', 'cases'], ['interactions', 'interactions'],
      ['orders', 'orders'], ['orderLines', 'order_lines'], ['knowledgeArticles', 'knowledge_articles'],
      ['articleRatings', 'article_ratings'], ['communityThreads', 'community_threads'],
      ['communityPosts', 'community_posts'], ['communityVotes', 'community_votes'],
    ];
    for (const [key, table] of tables) expect(await scalar(c, `SELECT count(*) FROM ${table}`), table).toBe(summary[key]);
    expect(summary.communityPosts).toBeGreaterThanOrEqual(40);
  });

  it('reports progress per chunk, ending with every customer done', () => {
    const customers = progress.filter((p) => p.phase === 'customers');
    expect(customers.length).toBeGreaterThan(0);
    expect(customers.at(-1)).toEqual({ phase: 'customers', done: 300, total: 300 });
    expect(progress.map((p) => p.phase)).toContain('content');
  });

  it('writes no dangling references', async () => {
    expect(await rows(data.client, 'PRAGMA foreign_key_check')).toEqual([]);
    const orphans = await scalar(data.client, `
      SELECT count(*) FROM interactions i LEFT JOIN customers c ON c.id = i.customer_id WHERE c.id IS NULL`);
    expect(orphans).toBe(0);
  });

  it('links interactions only to cases of the same customer', async () => {
    const c = data.client;
    const linked = await scalar(c, 'SELECT count(*) FROM interactions WHERE case_id IS NOT NULL');
    expect(linked).toBeGreaterThan(0);
    const mismatched = await scalar(c, `
      SELECT count(*) FROM interactions i LEFT JOIN cases k ON k.id = i.case_id
      WHERE i.case_id IS NOT NULL AND (k.id IS NULL OR k.customer_id <> i.customer_id)`);
    expect(mismatched).toBe(0);
  });

  it('gives every customer unique EMAIL (lower-cased) and PHONE identities matching its contact fields', async () => {
    const c = data.client;
    const withoutEmail = await scalar(c, `
      SELECT count(*) FROM customers c
      WHERE NOT EXISTS (SELECT 1 FROM identities i WHERE i.customer_id = c.id AND i.kind = 'EMAIL' AND i.value = lower(c.email))`);
    // A phone identity is the contact number in E.164, the form channels match callers by.
    const phones = await rows(c, `SELECT c.phone AS phone, (SELECT group_concat(i.value) FROM identities i WHERE i.customer_id = c.id AND i.kind = 'PHONE') AS identity FROM customers c`);
    expect(phones.filter((p) => p.identity !== phoneIdentity(String(p.phone)))).toEqual([]);
    expect(phones.every((p) => /^\+[1-9][0-9]{6,14}$/.test(String(p.identity)))).toBe(true);
    expect(withoutEmail).toBe(0);
    expect(await scalar(c, "SELECT count(*) FROM identities WHERE kind = 'EMAIL' AND value <> lower(value)")).toBe(0);
    expect(await rows(c, 'SELECT kind, value FROM identities GROUP BY kind, value HAVING count(*) > 1')).toEqual([]);
    expect(await scalar(c, 'SELECT count(DISTINCT email) FROM customers')).toBe(300);
    // Each identity points at a customer that really has it as contact data (or a social handle).
    const foreign = await scalar(c, `
      SELECT count(*) FROM identities i JOIN customers c ON c.id = i.customer_id
      WHERE i.kind = 'EMAIL' AND i.value <> lower(c.email)`);
    expect(foreign).toBe(0);
  });

  it('links most customers to accounts, about one account per 20 customers', async () => {
    const c = data.client;
    const linked = await scalar(c, 'SELECT count(*) FROM customers WHERE account_id IS NOT NULL');
    expect(linked).toBeGreaterThan(200);
    expect(await scalar(c, 'SELECT count(DISTINCT account_id) FROM customers')).toBeGreaterThan(10);
  });

  it('keeps order totals equal to the sum of their 1 to 4 lines, with unique numbers', async () => {
    const c = data.client;
    const wrong = await scalar(c, `
      SELECT count(*) FROM orders o
      WHERE o.total_cents <> (SELECT coalesce(sum(l.quantity * l.unit_price_cents), -1) FROM order_lines l WHERE l.order_id = o.id)`);
    expect(wrong).toBe(0);
    const lineCounts = await rows(c, `
      SELECT min(n) AS lo, max(n) AS hi FROM (SELECT count(l.id) AS n FROM orders o LEFT JOIN order_lines l ON l.order_id = o.id GROUP BY o.id)`);
    expect(lineCounts[0]).toEqual({ lo: 1, hi: 4 });
    expect(await scalar(c, 'SELECT count(DISTINCT number) FROM orders')).toBe(summary.orders);
  });

  it('numbers cases consecutively and leaves the case_number counter at the last number', async () => {
    const c = data.client;
    const [range] = await rows(c, 'SELECT min(number) AS lo, max(number) AS hi, count(*) AS n FROM cases');
    expect(range).toEqual({ lo: 1, hi: summary.cases, n: summary.cases });
    expect(await scalar(c, "SELECT value FROM counters WHERE name = 'case_number'")).toBe(summary.cases);
  });

  it('keeps timestamps plausible: interactions in the last two years, after their customer appeared', async () => {
    const c = data.client;
    const [span] = await rows(c, 'SELECT min(occurred_at) AS lo, max(occurred_at) AS hi FROM interactions');
    expect(Number(span!.lo)).toBeGreaterThanOrEqual(startedAt - 2 * YEAR - 60_000);
    expect(Number(span!.hi)).toBeLessThanOrEqual(Date.now());
    expect(await scalar(c, `
      SELECT count(*) FROM interactions i JOIN customers c ON c.id = i.customer_id WHERE i.occurred_at < c.created_at`)).toBe(0);
    expect(await scalar(c, 'SELECT count(*) FROM cases WHERE updated_at < created_at')).toBe(0);
    // Spread, not bunched: both halves of the two years have plenty of interactions.
    const older = await scalar(c, `SELECT count(*) FROM interactions WHERE occurred_at < ${startedAt - YEAR}`);
    expect(older).toBeGreaterThan(summary.interactions * 0.15);
    expect(await scalar(c, 'SELECT count(DISTINCT channel) FROM interactions')).toBe(7);
    expect(await scalar(c, 'SELECT count(DISTINCT direction) FROM interactions')).toBe(2);
  });

  it('sets up queues with required skills that agents have, without overloading agents', async () => {
    const c = data.client;
    const uncovered = await scalar(c, `
      SELECT count(*) FROM queues q WHERE q.required_skill IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM agent_skills s WHERE s.skill = q.required_skill)`);
    expect(uncovered).toBe(0);
    expect(await scalar(c, 'SELECT count(*) FROM queues WHERE required_skill IS NOT NULL')).toBeGreaterThanOrEqual(4);
    // Routing picks agents whose open cases are below capacity; seeded data must leave room.
    const overloaded = await scalar(c, `
      SELECT count(*) FROM agents a WHERE a.capacity <=
        (SELECT count(*) FROM cases k WHERE k.assignee_id = a.id AND k.status IN ('NEW','OPEN','PENDING'))`);
    expect(overloaded).toBe(0);
  });

  it('derives article counts and post scores from the rating and vote rows', async () => {
    const c = data.client;
    expect(await scalar(c, "SELECT count(*) FROM knowledge_articles WHERE visibility = 'PUBLIC'")).toBeGreaterThanOrEqual(30);
    expect(await scalar(c, 'SELECT sum(helpful_count) FROM knowledge_articles')).toBeGreaterThan(0);
    expect(await scalar(c, `
      SELECT count(*) FROM knowledge_articles a WHERE
        a.helpful_count <> (SELECT count(*) FROM article_ratings r WHERE r.article_id = a.id AND r.helpful = 1) OR
        a.not_helpful_count <> (SELECT count(*) FROM article_ratings r WHERE r.article_id = a.id AND r.helpful = 0)`)).toBe(0);
    expect(await scalar(c, `
      SELECT count(*) FROM community_posts p
      WHERE p.score <> (SELECT coalesce(sum(v.value), 0) FROM community_votes v WHERE v.post_id = p.id)`)).toBe(0);
    expect(await scalar(c, `
      SELECT count(*) FROM community_votes v JOIN community_posts p ON p.id = v.post_id
      WHERE v.customer_id = p.author_customer_id`)).toBe(0);
    expect(await scalar(c, `
      SELECT count(*) FROM community_threads t WHERE NOT EXISTS (SELECT 1 FROM community_posts p WHERE p.thread_id = t.id)`)).toBe(0);
  });

  it('records when solved cases were solved, and customers\' ratings of some of them only', async () => {
    const c = data.client;
    expect(await scalar(c, "SELECT count(*) FROM cases WHERE status IN ('SOLVED', 'CLOSED') AND (solved_at IS NULL OR solved_at <> updated_at)")).toBe(0);
    expect(await scalar(c, "SELECT count(*) FROM cases WHERE status NOT IN ('SOLVED', 'CLOSED') AND solved_at IS NOT NULL")).toBe(0);
    const solved = await scalar(c, "SELECT count(*) FROM cases WHERE status IN ('SOLVED', 'CLOSED')");
    const rated = await scalar(c, 'SELECT count(*) FROM case_surveys');
    expect(rated).toBe(summary.caseSurveys);
    expect(rated).toBeGreaterThan(solved * 0.25);
    expect(rated).toBeLessThan(solved * 0.55);
    expect(await scalar(c, `SELECT count(*) FROM case_surveys s JOIN cases k ON k.id = s.case_id
      WHERE k.status NOT IN ('SOLVED', 'CLOSED') OR s.customer_id <> k.customer_id OR s.rating NOT BETWEEN 1 AND 5
        OR s.answered_at < k.updated_at OR s.answered_at > ${Date.now()}`)).toBe(0);
  });

  it('gives accounts and most customers valid addresses in the seed cities', async () => {
    const stored = async (table: string) => (await rows(data.client, `SELECT address FROM ${table}`))
      .map((r) => (r.address === null ? null : JSON.parse(String(r.address)) as PostalAddress));
    const accounts = await stored('accounts');
    const customers = await stored('customers');
    expect(accounts.every((a) => a !== null)).toBe(true);
    const withAddress = customers.filter((a): a is PostalAddress => a !== null);
    expect(withAddress.length / customers.length).toBeGreaterThan(0.75);
    expect(withAddress.length / customers.length).toBeLessThan(0.95);
    const all = [...accounts, ...withAddress] as PostalAddress[];
    // What the API would accept, and already in its normal form.
    for (const address of all) expect(postalAddressInput.parse(address)).toEqual(address);
    const cities = new Set(SEED_CITIES.map((c) => `${c.city}/${c.country}`));
    expect(all.every((a) => cities.has(`${a.city}/${a.country}`))).toBe(true);
    expect(new Set(all.map((a) => a.country))).toEqual(new Set(SEED_CITIES.map((c) => c.country)));
  });

  it('is deterministic for a seed and differs across seeds', async () => {
    const same = await dbs.get(newId());
    const other = await dbs.get(newId());
    await seedTenant(same, { customers: 300, seed: 42 });
    await seedTenant(other, { customers: 300, seed: 43 });
    const people = 'SELECT name, email, phone, address FROM customers ORDER BY rowid';
    const subjects = 'SELECT number, subject, status FROM cases ORDER BY number';
    expect(await rows(same.client, people)).toEqual(await rows(data.client, people));
    expect(await rows(same.client, subjects)).toEqual(await rows(data.client, subjects));
    expect(await scalar(same.client, 'SELECT count(*) FROM interactions')).toBe(summary.interactions);
    expect(await rows(other.client, people)).not.toEqual(await rows(data.client, people));
  });

  it('splits large runs into several transactions, each with its own accounts', async () => {
    const big = await dbs.get(newId());
    const seen: SeedProgress[] = [];
    const result = await seedTenant(big, { customers: 12_000, interactionsPerCustomer: 0, seed: 7, onProgress: (p) => seen.push(p) });
    const chunks = seen.filter((p) => p.phase === 'customers').map((p) => p.done);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.at(-1)).toBe(12_000);
    expect(result.interactions).toBe(0);
    expect(result.accounts).toBe(600);
    expect(await scalar(big.client, 'SELECT count(*) FROM customers')).toBe(12_000);
    expect(await scalar(big.client, 'SELECT count(DISTINCT account_id) FROM customers')).toBeGreaterThan(550);
    expect(await rows(big.client, 'PRAGMA foreign_key_check')).toEqual([]);
  });

  it('can seed the same tenant again, adding rows and continuing the numbering', async () => {
    const c = data.client;
    const before = await rows(c, 'SELECT (SELECT max(number) FROM cases) AS cases, (SELECT count(*) FROM customers) AS customers');
    const again = await seedTenant(data, { customers: 100, interactionsPerCustomer: 5, seed: 42 });
    expect(again.customers).toBe(100);
    expect(again.queues).toBe(0);
    expect(again.interactions).toBeGreaterThan(0);
    expect(await scalar(c, 'SELECT count(*) FROM customers')).toBe(Number(before[0]!.customers) + 100);
    expect(await scalar(c, 'SELECT count(*) FROM queues')).toBe(5);
    const [range] = await rows(c, 'SELECT min(number) AS lo, max(number) AS hi, count(*) AS n FROM cases');
    expect(range).toEqual({ lo: 1, hi: summary.cases + again.cases, n: summary.cases + again.cases });
    expect(await scalar(c, "SELECT value FROM counters WHERE name = 'case_number'")).toBe(summary.cases + again.cases);
    // New people, not copies of the first run's.
    expect(await scalar(c, 'SELECT count(DISTINCT email) FROM customers')).toBe(400);
    expect(await rows(c, 'PRAGMA foreign_key_check')).toEqual([]);
  });
});
