/**
 * The customer 360 query at scale: a small tenant (S, 1 000 customers) against a large one
 * (L, 100 000 customers and 1 000 000 interactions). If every read of the 360 query goes through
 * an index, L answers about as fast as S; a full scan shows up as a large L/S ratio — and, before
 * anything is timed, as `SCAN <table>` in the query plans printed (and asserted) here.
 *
 * Seeded data is cached under bench/.data/, keyed by the sizes, so only the first run seeds.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client, InArgs, InStatement } from '@libsql/client';
import {
  createGraphQLServer, createLogger, createTenant, openPlatform, seedTenant, serverConfigFromEnv, tenantContext, tenantDatabaseName,
  toGlobalId, type Platform, type SeedSummary, type TenantContext,
} from '@mosaic/core';
import type { DataDirFixture } from './serve-fixture.js';
import {
  benchDir, combine, envNumber, fmtInt, fmtMs, fmtRatio, loadRun, log, markdownTable, prng, sequentialClient, startFixture,
  summarize, type BenchResult, type LoadRun, type Summary,
} from './lib.js';

export const QUERY_360 = /* GraphQL */ `query Customer360($id: ID!) {
  customer(id: $id) {
    name email
    account { name }
    identities { kind value }
    cases(first: 5) { edges { node { number subject status } } }
    orders(first: 5) { edges { node { orderNumber total { amount currency } lines { sku } } } }
    timeline(first: 20) { edges { kind at node { __typename } } }
  }
}`;

/** Bump when what a cached data dir contains changes in a way old caches would mislead. */
const CACHE_VERSION = 1;
const SEED = 42;
/** The -c 10 time of each tenant is split into this many alternating runs. */
const CONCURRENT_ROUNDS = 2;

interface TenantSpec {
  label: 'S' | 'L';
  slug: string;
  customers: number;
}

interface Manifest {
  version: number;
  createdAt: string;
  interactionsPerCustomer: number;
  tenants: Record<'S' | 'L', { slug: string; tenantId: string; apiKey: string; seed: SeedSummary }>;
}

/** A tenant as measured: its key, real row counts and the customers the requests ask for. */
interface Subject {
  spec: TenantSpec;
  apiKey: string;
  customers: number;
  interactions: number;
  bodies: string[];
}

export async function scale(): Promise<BenchResult> {
  const perCustomer = envNumber('BENCH_INTERACTIONS_PER_CUSTOMER', 10);
  const specs: TenantSpec[] = [
    { label: 'S', slug: 'scale-s', customers: envNumber('BENCH_SCALE_S', 1_000) },
    { label: 'L', slug: 'scale-l', customers: envNumber('BENCH_SCALE_L', 100_000) },
  ];
  const warmup = envNumber('BENCH_SCALE_WARMUP', 300);
  const measured = envNumber('BENCH_SCALE_REQUESTS', 2_000);
  const cannonSeconds = envNumber('BENCH_SCALE_DURATION', 8);
  const connections = envNumber('BENCH_SCALE_CONNECTIONS', 10);

  const dataDir = join(benchDir, '.data', `scale-v${CACHE_VERSION}-s${specs[0]!.customers}-l${specs[1]!.customers}-i${perCustomer}-seed${SEED}`);
  const { manifest, cached } = await ensureSeeded(dataDir, specs, perCustomer);

  // Pick the customers and check the plans in this process, then close before the server opens.
  const platform = await openDataDir(dataDir);
  let subjects: Subject[];
  let plans: PlanReport;
  try {
    subjects = [];
    for (const spec of specs) {
      const { apiKey } = manifest.tenants[spec.label];
      const ctx = await contextFor(platform, apiKey);
      subjects.push({ spec, apiKey, ...(await pickCustomers(ctx, warmup + measured)) });
    }
    const large = await contextFor(platform, manifest.tenants.L.apiKey);
    plans = await queryPlans(platform, large, JSON.parse(subjects[1]!.bodies[0]!) as { variables: { id: string } });
  } finally {
    await platform.close();
  }
  if (plans.violations.length) {
    throw new Error(`a query of the 360 view scans a big table on tenant L:\n${plans.violations.join('\n')}\n\n${plans.report}`);
  }

  if (process.env.BENCH_SCALE_COLD !== '1') {
    // Measure the queries, not the disk: the first run after seeding would otherwise read L's
    // pages from disk while S's are cached. One sequential read puts the files in the OS cache.
    const started = performance.now();
    const bytes = readWholeFiles(dataDir);
    log(`scale: read ${fmtInt(bytes / 2 ** 20)} MiB of database files into the OS page cache in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }

  const failures: string[] = [];
  const fixture = await startFixture<DataDirFixture>(['--data-dir', dataDir]);
  let sequential: Map<Subject, { stats: Summary; rps: number }>;
  const concurrentRuns = new Map<Subject, LoadRun[]>(subjects.map((s) => [s, []]));
  try {
    const url = fixture.info.graphqlUrl;
    // S and L take turns, request by request (c=1) and run by run (c=10), so whatever else the
    // machine does at the time weighs on both alike and the L/S ratio stays meaningful.
    log(`scale: ${warmup} warm-up + ${measured} measured 360 queries per tenant at concurrency 1, S and L alternating`);
    const seq = await runSequential(url, subjects, warmup, measured);
    failures.push(...seq.failures);
    sequential = seq.results;
    for (const [s, r] of sequential) log(`  ${s.spec.label}: p50 ${fmtMs(r.stats.p50)} ms, p99 ${fmtMs(r.stats.p99)} ms`);
    for (let round = 1; round <= CONCURRENT_ROUNDS; round++) {
      for (const s of subjects) {
        const seconds = cannonSeconds / CONCURRENT_ROUNDS;
        log(`scale ${s.spec.label}: autocannon -c ${connections} -d ${seconds} (round ${round}/${CONCURRENT_ROUNDS})`);
        const run = await runConcurrent(url, s, connections, seconds);
        concurrentRuns.get(s)!.push(run);
        log(`  ${fmtInt(run.latenciesMs.length / run.seconds)} req/s`);
      }
    }
  } finally {
    await fixture.stop();
  }
  const concurrent = new Map<Subject, { stats: Summary; rps: number }>();
  for (const [s, runs] of concurrentRuns) {
    const run = combine(runs);
    concurrent.set(s, { stats: summarize(run.latenciesMs), rps: run.latenciesMs.length / run.seconds });
    const bad = run.non2xx + run.errors + run.mismatches;
    if (bad) failures.push(`tenant ${s.spec.label}, -c ${connections}: ${bad} bad responses (status ${JSON.stringify(run.statusCodes)}, ${run.errors} errors, ${run.mismatches} wrong bodies)`);
  }

  const [small, large] = subjects as [Subject, Subject];
  const rows = (mode: string, results: Map<Subject, { stats: Summary; rps: number }>) =>
    subjects.map((s) => {
      const r = results.get(s)!;
      const base = results.get(small)!;
      const isLarge = s === large;
      return [
        `${s.spec.label} (${s.spec.slug})`, mode, fmtInt(s.customers), fmtInt(s.interactions), fmtMs(r.stats.p50), fmtMs(r.stats.p99),
        fmtInt(r.rps), isLarge ? fmtRatio(r.stats.p50 / base.stats.p50) : '1.00', isLarge ? fmtRatio(r.rps / base.rps) : '1.00',
      ];
    });
  const seedL = manifest.tenants.L.seed;
  const sizeOf = (label: 'S' | 'L') => databaseBytes(dataDir, manifest.tenants[label].tenantId);
  const [sizeS, sizeL] = [sizeOf('S'), sizeOf('L')];
  const report = [
    `### Customer 360 at scale — random customers; c=1: ${fmtInt(measured)} sequential requests per tenant after ${warmup} warm-up, ` +
      `S and L alternating; c=${connections}: autocannon, ${cannonSeconds} s per tenant in ${CONCURRENT_ROUNDS} alternating runs`,
    '',
    markdownTable(
      ['tenant', 'load', 'customers>', 'interactions>', 'p50 ms>', 'p99 ms>', 'req/s>', 'ratio L/S (p50)>', 'ratio L/S (req/s)>'],
      [...rows('c=1', sequential), ...rows(`c=${connections}`, concurrent)],
    ),
    '',
    `Database files ${process.env.BENCH_SCALE_COLD === '1' ? 'not pre-read (BENCH_SCALE_COLD=1): cold pages come from disk' : 'read once before measuring, so pages come from the OS cache, not the disk'}.`,
    `Every response was checked (200, no errors, the customer present): ${failures.length ? `**${failures.length} problems**` : 'all good'}.`,
    `Tenant L seeding: ${(seedL.elapsedMs / 1000).toFixed(1)} s for ${fmtInt(seedL.customers)} customers, ${fmtInt(seedL.interactions)} interactions, ` +
      `${fmtInt(seedL.cases)} cases, ${fmtInt(seedL.orders)} orders (${cached ? `cached since ${manifest.createdAt}` : 'seeded by this run'}; data: ${dataDir}).`,
    `Database size (file and WAL): L ${fmtInt(sizeL / 2 ** 20)} MiB, so ${fmtInt((sizeL / 2 ** 20) * (100_000 / large.customers))} MiB per 100 000 customers ` +
      `with ${fmtInt(large.interactions / large.customers)} interactions each; S ${fmtInt(sizeS / 2 ** 20)} MiB.`,
    '',
    '<details><summary>The 360 query</summary>',
    '',
    '```graphql',
    QUERY_360,
    '```',
    '</details>',
    '',
    plans.report,
  ].join('\n');
  return { report, failures };
}

async function openDataDir(dataDir: string): Promise<Platform> {
  const config = serverConfigFromEnv({ ...process.env, MOSAIC_DATA_DIR: dataDir, PORT: '0' });
  return openPlatform(config, createLogger('silent'));
}

async function contextFor(platform: Platform, apiKey: string): Promise<TenantContext> {
  const principal = await platform.keys.verify(apiKey);
  if (!principal) throw new Error('the cached API key no longer verifies; delete bench/.data and run again');
  return tenantContext(principal, await platform.tenants.get(principal.tenantId));
}

/** Seeds both tenants into `dataDir` unless a complete earlier run left them there. */
async function ensureSeeded(dataDir: string, specs: TenantSpec[], perCustomer: number): Promise<{ manifest: Manifest; cached: boolean }> {
  const manifestPath = join(dataDir, 'manifest.json');
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    log(`scale: using the seeded data in ${dataDir} (seeded ${manifest.createdAt})`);
    return { manifest, cached: true };
  }
  // No manifest means no run finished here: start from nothing.
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const platform = await openDataDir(dataDir);
  try {
    const tenants = {} as Manifest['tenants'];
    for (const spec of specs) {
      const { tenant, apiKey } = await createTenant(platform.control.db, platform.tenants, { slug: spec.slug });
      const data = await platform.tenants.get(tenant.id);
      log(`scale: seeding tenant ${spec.label}: ${fmtInt(spec.customers)} customers × ${perCustomer} interactions`);
      let lastTenth = -1;
      const seed = await seedTenant(data, {
        customers: spec.customers,
        interactionsPerCustomer: perCustomer,
        seed: SEED,
        onProgress: ({ phase, done, total }) => {
          const tenth = Math.floor((10 * done) / Math.max(1, total));
          if (phase === 'customers' && tenth !== lastTenth) {
            lastTenth = tenth;
            log(`  ${fmtInt(done)} / ${fmtInt(total)} customers`);
          }
        },
      });
      log(`  done in ${(seed.elapsedMs / 1000).toFixed(1)} s: ${JSON.stringify(seed)}`);
      tenants[spec.label] = { slug: spec.slug, tenantId: tenant.id, apiKey, seed };
    }
    const manifest: Manifest = { version: CACHE_VERSION, createdAt: new Date().toISOString(), interactionsPerCustomer: perCustomer, tenants };
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    return { manifest, cached: false };
  } finally {
    await platform.close();
  }
}

/** Real row counts, and request bodies for `count` customers drawn (seeded) from all of them. */
async function pickCustomers(ctx: TenantContext, count: number): Promise<Omit<Subject, 'spec' | 'apiKey'>> {
  const client = ctx.data.client;
  const ids = (await client.execute('select id from customers order by rowid')).rows.map((r) => String(r.id));
  const interactions = Number((await client.execute('select count(*) as n from interactions')).rows[0]!.n);
  if (ids.length === 0) throw new Error(`tenant ${ctx.tenantSlug} has no customers`);
  const random = prng(SEED);
  const bodies = Array.from({ length: count }, () => {
    const id = ids[Math.floor(random() * ids.length)]!;
    return JSON.stringify({ query: QUERY_360, variables: { id: toGlobalId('Customer', id) } });
  });
  return { customers: ids.length, interactions, bodies };
}

/** Why a 360 response is not what it should be, or null when it is fine. */
function problemWith(status: number, body: string): string | null {
  if (status !== 200) return `status ${status}: ${body.slice(0, 200)}`;
  try {
    const parsed = JSON.parse(body) as { data?: { customer?: { name?: string; timeline?: { edges?: unknown[] } } | null }; errors?: unknown[] };
    if (parsed.errors?.length) return `errors: ${JSON.stringify(parsed.errors).slice(0, 300)}`;
    if (!parsed.data?.customer?.name || !Array.isArray(parsed.data.customer.timeline?.edges)) return `no customer: ${body.slice(0, 200)}`;
    return null;
  } catch {
    return `not JSON: ${body.slice(0, 200)}`;
  }
}

const headersFor = (apiKey: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${apiKey}` });

/** The tenants take turns, one request each, on one keep-alive connection per tenant. */
async function runSequential(url: string, subjects: Subject[], warmup: number, measured: number) {
  const clients = subjects.map((s) => sequentialClient(url, headersFor(s.apiKey)));
  const latencies = subjects.map((): number[] => []);
  const problems = new Map<string, number>();
  try {
    for (let i = 0; i < warmup + measured; i++) {
      for (let k = 0; k < subjects.length; k++) {
        const started = performance.now();
        const res = await clients[k]!.post(subjects[k]!.bodies[i]!);
        const ms = performance.now() - started;
        const problem = problemWith(res.status, res.body);
        if (problem) {
          const key = `tenant ${subjects[k]!.spec.label}, c=1: ${problem}`;
          problems.set(key, (problems.get(key) ?? 0) + 1);
        }
        if (i >= warmup) latencies[k]!.push(ms);
      }
    }
  } finally {
    for (const c of clients) c.close();
  }
  const results = new Map(subjects.map((s, k) => {
    const l = latencies[k]!;
    return [s, { stats: summarize(l), rps: (l.length * 1000) / l.reduce((a, b) => a + b, 0) }];
  }));
  return { results, failures: [...problems].map(([p, n]) => `${n} × ${p}`) };
}

/** autocannon over the tenant's customers, every response checked. */
function runConcurrent(url: string, s: Subject, connections: number, seconds: number): Promise<LoadRun> {
  let next = 0;
  return loadRun({
    url,
    connections,
    duration: seconds,
    requests: [{
      method: 'POST',
      headers: headersFor(s.apiKey),
      setupRequest: (req) => ({ ...req, body: s.bodies[next++ % s.bodies.length]! }),
    }],
    verifyBody: (body) => problemWith(200, body) === null,
  });
}

/** Bytes of a tenant's database file and its WAL in the data dir. */
function databaseBytes(dataDir: string, tenantId: string): number {
  const file = join(dataDir, `${tenantDatabaseName(tenantId)}.db`);
  return [file, `${file}-wal`].filter((f) => existsSync(f)).reduce((sum, f) => sum + statSync(f).size, 0);
}

/** Reads every database file of the data dir once (so the OS caches it); returns the bytes read. */
function readWholeFiles(dataDir: string): number {
  const buffer = Buffer.allocUnsafe(8 * 2 ** 20);
  let total = 0;
  for (const name of readdirSync(dataDir).filter((n) => /\.db(-wal)?$/.test(n))) {
    const fd = openSync(join(dataDir, name), 'r');
    try {
      for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0;) total += n;
    } finally {
      closeSync(fd);
    }
  }
  return total;
}

interface PlanReport {
  report: string;
  violations: string[];
}

/** Tables with at least this many rows must never be scanned by the 360 query. */
const BIG_TABLE_ROWS = 1_000;

/**
 * Runs the 360 query once in this process with the tenant's libsql client instrumented, so the
 * statements explained are exactly the ones the resolvers send, then EXPLAINs each on L.
 */
async function queryPlans(platform: Platform, ctx: TenantContext, body: { variables: { id: string } }): Promise<PlanReport> {
  const client = ctx.data.client;
  const statements = await captureStatements(client, async () => {
    const yoga = createGraphQLServer(platform.config, platform.logger);
    const res = await yoga.fetch(
      new Request('http://bench.local/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: QUERY_360, variables: body.variables }),
      }),
      { tenant: ctx, requestId: 'bench-plans' },
    );
    const text = await res.text();
    const problem = problemWith(res.status, text);
    if (problem) throw new Error(`the 360 query failed in-process: ${problem}`);
  });

  const tables = (await client.execute(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '\\_\\_%' escape '\\'`)).rows.map((r) => String(r.name));
  const big = new Map<string, number>();
  for (const table of tables) {
    const n = Number((await client.execute(`select count(*) as n from "${table}"`)).rows[0]!.n);
    if (n >= BIG_TABLE_ROWS) big.set(table, n);
  }

  const seen = new Set<string>();
  const sections: string[] = [];
  const violations: string[] = [];
  const kinds = new Set<string>();
  for (const stmt of statements) {
    if (seen.has(stmt.sql)) continue;
    seen.add(stmt.sql);
    const rs = await client.execute({ sql: `EXPLAIN QUERY PLAN ${stmt.sql}`, args: stmt.args });
    const byId = new Map<number, { parent: number; detail: string }>();
    for (const r of rs.rows) byId.set(Number(r.id), { parent: Number(r.parent), detail: String(r.detail) });
    const depth = (id: number): number => {
      const node = byId.get(id);
      return node && byId.has(node.parent) ? 1 + depth(node.parent) : 0;
    };
    const lines = [...byId].map(([id, n]) => `${'  '.repeat(depth(id))}${n.detail}`);
    const name = describeStatement(stmt.sql);
    kinds.add(name.split(':')[0]!);
    for (const { detail } of byId.values()) {
      const scanned = /^SCAN (\S+)/.exec(detail)?.[1];
      if (scanned && big.has(scanned)) violations.push(`${name}: "${detail}" (${fmtInt(big.get(scanned)!)} rows)`);
    }
    sections.push(`${name}\n    ${oneLine(stmt.sql)}\n${lines.map((l) => `    → ${l}`).join('\n')}`);
  }
  // If the instrumentation missed the reads this benchmark is about, say so rather than pass.
  for (const expected of ['timeline', 'cases of a customer', 'orders of a customer']) {
    if (!kinds.has(expected)) violations.push(`the ${expected} query was not among the statements captured (${[...kinds].join(', ')})`);
  }

  const report = [
    `#### Query plans of the 360 query on tenant L (${statements.length} statements, ${seen.size} distinct; tables of ≥ ${fmtInt(BIG_TABLE_ROWS)} rows must be searched, not scanned)`,
    '',
    '```',
    sections.join('\n\n'),
    '```',
    '',
    `Big tables: ${[...big].map(([t, n]) => `${t} ${fmtInt(n)}`).join(', ')}. Full scans of them: ${violations.length ? violations.length : 'none'}.`,
  ].join('\n');
  return { report, violations };
}

const oneLine = (sql: string) => sql.replace(/\s+/g, ' ').trim();

/** A short name for a captured statement, from its table and filter. */
function describeStatement(sql: string): string {
  const s = oneLine(sql).toLowerCase();
  if (/union all/.test(s) && /interactions/.test(s)) return 'timeline: interactions ∪ cases ∪ orders of a customer, newest first';
  const table = /from "(\w+)"/.exec(s)?.[1] ?? '?';
  const where = /where (.*?)(?: order by | limit |$)/.exec(s)?.[1] ?? '';
  if (/"customer_id" = \?/.test(where) && (table === 'cases' || table === 'orders')) return `${table} of a customer: first page`;
  if (/"customer_id" in \(/.test(where)) return `${table}: of the customers`;
  if (/"id" in \(/.test(where)) return `${table}: by ids`;
  if (/"id" = \?/.test(where)) return `${table}: by id`;
  if (/"order_id" in \(/.test(where)) return `${table}: of the orders`;
  return `${table}: ${where.slice(0, 80)}`;
}

/** The statements `fn` makes `client` execute (libsql's `execute`, which drizzle's reads go through). */
async function captureStatements(client: Client, fn: () => Promise<void>): Promise<{ sql: string; args: InArgs }[]> {
  const captured: { sql: string; args: InArgs }[] = [];
  const original = client.execute;
  const record = (stmt: InStatement | string, args?: InArgs) => {
    if (typeof stmt === 'string') captured.push({ sql: stmt, args: args ?? [] });
    else captured.push({ sql: stmt.sql, args: stmt.args ?? [] });
  };
  client.execute = ((stmt: InStatement | string, args?: InArgs) => {
    record(stmt, args);
    return (original as (s: InStatement | string, a?: InArgs) => ReturnType<Client['execute']>).call(client, stmt, args);
  }) as Client['execute'];
  try {
    await fn();
  } finally {
    client.execute = original;
  }
  return captured;
}
