/**
 * `knowledge`: the knowledge search function itself (FTS5 bm25 blended with the stored Wilson
 * helpfulness, in SQL) over 50 000 rated public articles, in process, for a common and a rare
 * word, a two-word search, a case-suggestion style any-word search and an agent's search; plus
 * the cost of a vote (counters and helpfulness rewritten in one statement) and of the deflection
 * query over 100 000 visitor events.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TenantDatabases } from '../core/src/db/tenant-db.js';
import { publicReader, staffReader, type KnowledgeReader } from '../core/src/domain/knowledge/access.js';
import { deflectionRate } from '../core/src/domain/knowledge/deflection.js';
import { suggestionQuery } from '../core/src/domain/knowledge/case-links.js';
import { countVote } from '../core/src/domain/knowledge/helpfulness.js';
import { RANK_WINDOW, searchArticles, type KnowledgeSearchInput } from '../core/src/domain/knowledge/search.js';
import { BatchWriter } from '../core/src/seed/sql-writer.js';
import { COMMON, RARE, seedKnowledgeArticles } from './knowledge-seed.js';
import { envNumber, fmtInt, fmtMs, log, markdownTable, prng, summarize, type BenchResult } from './lib.js';

const ARTICLES = envNumber('BENCH_KNOWLEDGE_ARTICLES', 50_000);
const ITERATIONS = envNumber('BENCH_KNOWLEDGE_ITERATIONS', 200);
const EVENTS = envNumber('BENCH_KNOWLEDGE_EVENTS', 100_000);
const TENANT = '55555555-5555-4555-8555-555555555555';

interface Case { name: string; reader: KnowledgeReader; input: KnowledgeSearchInput; matches: number }

async function timed(n: number, run: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < Math.min(10, n); i++) await run();
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await run();
    ms.push(performance.now() - t0);
  }
  return ms;
}

export async function knowledge(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-bench-knowledge-'));
  const databases = new TenantDatabases({ kind: 'embedded', dataDir: dir });
  try {
    const data = await databases.provision(TENANT);
    log(`knowledge: inserting ${fmtInt(ARTICLES)} rated public articles`);
    const { seedMs, matches } = await seedKnowledgeArticles(data, ARTICLES);
    const portal = publicReader({ tenantId: TENANT, tenantSlug: 'bench', data });
    const agent = staffReader({ tenantId: TENANT, tenantSlug: 'bench', role: 'agent', actor: 'bench', data });
    const suggestion = 'My order arrived late and the parcel tracking never moved for days, so can I get a refund or a replacement for it';
    const cases: Case[] = [
      { name: `portal, common word "${COMMON}"`, reader: portal, input: { query: COMMON, language: 'en' }, matches: await matches(COMMON) },
      { name: `portal, rare word "${RARE}"`, reader: portal, input: { query: RARE, language: 'en' }, matches: await matches(RARE) },
      { name: 'portal, two words "order tracking"', reader: portal, input: { query: 'order tracking', language: 'en' }, matches: NaN },
      { name: 'agent, common word, every language', reader: agent, input: { query: COMMON }, matches: NaN },
      { name: 'case suggestions (any of its 12 longest words)', reader: agent, input: { query: suggestionQuery(suggestion), match: 'any', first: 5 }, matches: NaN },
      { name: 'portal, no words (newest)', reader: portal, input: { query: '', language: 'en' }, matches: NaN },
    ];
    const failures: string[] = [];
    const rows: (string | number)[][] = [];
    for (const c of cases) {
      log(`knowledge: ${c.name}`);
      const hits = await searchArticles(c.reader, c.input);
      const expected = Math.min(Number.isNaN(c.matches) ? Infinity : c.matches, c.input.first ?? 20);
      if (Number.isFinite(expected) && hits.length !== expected) failures.push(`${c.name}: ${hits.length} hits, expected ${expected}`);
      if (hits.length === 0) failures.push(`${c.name}: no hits`);
      if (c.input.query && hits.some((h, i) => i > 0 && h.score > hits[i - 1]!.score + 1e-9)) failures.push(`${c.name}: hits not in score order`);
      const s = summarize(await timed(ITERATIONS, () => searchArticles(c.reader, c.input)));
      rows.push([c.name, Number.isNaN(c.matches) ? '—' : fmtInt(c.matches), hits.length, fmtMs(s.p50), fmtMs(s.p95), fmtInt(1000 / s.mean)]);
    }

    // A vote: one write transaction with the counter and helpfulness UPDATE (what every rating adds).
    const ids = (await data.client.execute('select id from knowledge_articles limit 500')).rows.map((r) => String(r.id));
    let k = 0;
    const vote = summarize(await timed(ITERATIONS, () => data.write((tx) => countVote(tx, ids[k++ % ids.length]!, k % 4 !== 0))));

    // Deflection over EVENTS visitor events in 30 days, a tenth of the visitors opening a case.
    log(`knowledge: inserting ${fmtInt(EVENTS)} visitor events`);
    const random = prng(11);
    const writer = new BatchWriter(data.client);
    const activity = writer.table('knowledge_activity', ['visitor', 'customer_id', 'kind', 'article_id', 'at'], 'at');
    const from = Date.UTC(2026, 9, 1);
    const span = 30 * 86_400_000;
    for (let i = 0; i < EVENTS; i++) {
      const at = from + Math.floor(random() * span);
      const visitor = `visitor-${Math.floor(i / 3)}`;
      activity.add(visitor, null, random() < 0.5 ? 'SEARCH' : 'VIEW', null, at);
      if (i % 30 === 0) activity.add(visitor, null, 'CASE', null, at + Math.floor(random() * 86_400_000));
    }
    await writer.flush();
    const now = new Date(from + span + 2 * 86_400_000);
    const stats = await deflectionRate({ data }, new Date(from), new Date(from + span), { now });
    if (stats.events !== EVENTS) failures.push(`deflection: ${stats.events} events, expected ${EVENTS}`);
    const deflection = summarize(await timed(Math.max(5, Math.floor(ITERATIONS / 20)), () => deflectionRate({ data }, new Date(from), new Date(from + span), { now })));

    const report = [
      `### Knowledge search — ${fmtInt(ARTICLES)} rated public articles, in process`,
      '',
      `The search function the API, the console and the portal share (\`searchKnowledge\`, the portal's search page): FTS5 bm25 over title (weight 8) and body, times (1 + the stored Wilson lower bound of the article's votes), the reader's language first, in one SQL statement; at most the newest ${fmtInt(RANK_WINDOW)} matches are ranked. Articles inserted in ${(seedMs / 1000).toFixed(1)} s (one transaction, the FTS index filled by its trigger; about a third without votes, the rest up to 60 helpful / 15 not). ${ITERATIONS} sequential calls per row after 10 warm-up calls; 20 hits unless said.`,
      '',
      markdownTable(['search', 'matching articles', 'hits', 'p50 ms', 'p95 ms', 'searches/s'], rows),
      '',
      markdownTable(['write / metric', 'p50 ms', 'p95 ms', 'per second'], [
        ['a vote (counters and helpfulness in one UPDATE, own transaction)', fmtMs(vote.p50), fmtMs(vote.p95), fmtInt(1000 / vote.mean)],
        [`deflection over ${fmtInt(EVENTS)} events in 30 days (rate ${stats.rate === null ? '—' : stats.rate.toFixed(3)})`, fmtMs(deflection.p50), fmtMs(deflection.p95), fmtInt(1000 / deflection.mean)],
      ]),
    ].join('\n');
    return { report, failures };
  } finally {
    await databases.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
