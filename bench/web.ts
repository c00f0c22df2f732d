/**
 * `web` — the server-rendered pages: the console's customer 360 page with 4 plugin widgets in its
 * sidebar against the same page without widgets, side by side in one run (goal ≤ 2×), and the
 * portal's knowledge search page over 50 000 public, mostly rated articles, for a common and a rare word.
 *
 * The platform runs in a child process (serve-web-fixture.ts); this process signs nothing in
 * itself: the fixture signed each tenant's agent in through the console's form and hands over
 * the session cookie. Every response must be a 200 that holds what the page is about, and on
 * the widget page every widget's frame and the line it computed from the customer's data (a
 * widget that failed shows an error box instead, which fails the check).
 */
import { loadavg } from 'node:os';
import { compareQueries, interleaved, type CompareOptions, type CompareResult, type CompareTarget } from './compare.js';
import { badResponses, describeBad, envNumber, fmtInt, fmtMs, fmtRatio, log, markdownTable, startFixture, type BenchResult } from './lib.js';
import { verdict } from './plugins-common.js';
import { treeCpuMs } from './process-cpu.js';
import type { KnowledgeSearch, WebFixture } from './serve-web-fixture.js';

const GOAL = 2;

/** The first of `needles` that `html` lacks, or null. */
const missing = (html: string, needles: readonly string[]): string | null => needles.find((n) => !html.includes(n)) ?? null;
const count = (html: string, needle: string): number => html.split(needle).length - 1;

/** What both 360 pages must hold: the customer's heading, the timeline, the newest order. */
function pageNeedles(info: WebFixture): string[] {
  return [`<h1>${info.customerName}</h1>`, 'id="timeline"', `ORD-${String(info.orders).padStart(6, '0')}`];
}

function consoleTargets(info: WebFixture): [CompareTarget, CompareTarget] {
  const common = pageNeedles(info);
  const widgets = info.withWidgets.widgets.flatMap((w) => [`id="${w.domId}"`, w.marker]);
  const withWidgets: CompareTarget = {
    name: `360 page with ${info.withWidgets.widgets.length} plugin widgets`,
    url: info.withWidgets.pageUrl,
    headers: { cookie: info.withWidgets.cookie },
    check: (html) => {
      const lacks = missing(html, [...common, 'class="widget-slot"', ...widgets, 'class="mw-map-route"']);
      if (lacks) return `the page lacks ${JSON.stringify(lacks)}`;
      if (html.includes('mw-widget-error')) return `a widget shows an error box: ${html.slice(html.indexOf('mw-widget-error'), html.indexOf('mw-widget-error') + 300)}`;
      return null;
    },
  };
  const withoutWidgets: CompareTarget = {
    name: '360 page without widgets',
    url: info.withoutWidgets.pageUrl,
    headers: { cookie: info.withoutWidgets.cookie },
    check: (html) => {
      const lacks = missing(html, common);
      if (lacks) return `the page lacks ${JSON.stringify(lacks)}`;
      return html.includes('widget-slot') ? 'the page without widgets shows a widget slot' : null;
    },
  };
  return [withWidgets, withoutWidgets];
}

function searchTarget(name: string, search: KnowledgeSearch): CompareTarget {
  return {
    name,
    url: search.url,
    headers: {},
    check: (html) => {
      const hits = count(html, 'class="portal-list__title"');
      return hits === search.hits ? null : `${hits} hits on the page, expected ${search.hits}`;
    },
  };
}

export async function web(): Promise<BenchResult> {
  log('web: seeding two console tenants alike, building and installing the sidebar-widgets plugin in one, inserting the knowledge articles in a third');
  const fixture = await startFixture<WebFixture>([], 'serve-web-fixture.ts');
  try {
    return await measure(fixture.info, fixture.pid);
  } finally {
    await fixture.stop();
  }
}

interface Measured {
  results: CompareResult[];
  /** Server CPU (the server process and its sandbox workers) per request, c=1, per result. */
  cpuMs: number[];
}

async function measure(info: WebFixture, serverPid: number): Promise<BenchResult> {
  const kb = info.knowledge;
  log(`web: ${fmtInt(kb.articles)} articles inserted in ${(kb.seedMs / 1000).toFixed(1)} s; "${kb.common.word}" matches ${fmtInt(kb.common.matches)}, "${kb.rare.word}" ${fmtInt(kb.rare.matches)}`);
  const base = {
    url: info.withWidgets.pageUrl,
    sequential: envNumber('BENCH_WEB_SEQUENTIAL', 300),
    sequentialWarmup: envNumber('BENCH_WEB_SEQUENTIAL_WARMUP', 30),
    connections: envNumber('BENCH_WEB_CONNECTIONS', 10),
    duration: envNumber('BENCH_WEB_DURATION', 8),
    warmup: envNumber('BENCH_WEB_WARMUP', 2),
    rounds: envNumber('BENCH_WEB_ROUNDS', 2),
  };
  const cpu = { rounds: envNumber('BENCH_WEB_CPU_ROUNDS', 4), requests: envNumber('BENCH_WEB_CPU_REQUESTS', 50) };
  const loadBefore = loadavg();
  const consolePages = await run({ ...base, label: 'web console' }, consoleTargets(info), serverPid, cpu);
  const searches = await run({ ...base, label: 'web knowledge' }, [
    searchTarget(`search "${kb.common.word}" (common)`, kb.common),
    searchTarget(`search "${kb.rare.word}" (rare)`, kb.rare),
  ], serverPid, cpu);
  return report(info, base, cpu, consolePages, searches, [loadBefore, loadavg()]);
}

/** c=1 and c=10 side by side (compare.ts), then server CPU per request: each target in turn, in rounds. */
async function run(opts: CompareOptions, targets: CompareTarget[], serverPid: number, cpu: { rounds: number; requests: number }): Promise<Measured> {
  const results = await compareQueries(opts, targets);
  log(`${opts.label}: server CPU, ${cpu.rounds} rounds of ${cpu.requests} requests per page at c=1`);
  const cpuMs = targets.map(() => 0);
  for (let round = 0; round < cpu.rounds; round++) {
    for (const [i, target] of targets.entries()) {
      const before = treeCpuMs(serverPid);
      await interleaved(opts, [target], cpu.requests);
      cpuMs[i]! += treeCpuMs(serverPid) - before;
    }
  }
  return { results, cpuMs: cpuMs.map((ms) => ms / (cpu.rounds * cpu.requests)) };
}

function rowsOf({ results, cpuMs }: Measured, reference?: CompareResult) {
  return results.map((r, i) => [
    r.target.name, fmtMs(r.sequential.p50), fmtMs(r.sequential.p95), fmtInt(r.rps), fmtMs(r.loaded.p50), fmtMs(r.loaded.p95),
    fmtMs(cpuMs[i]!), ...(reference ? [fmtRatio(r.sequential.p50 / reference.sequential.p50), fmtRatio(r.loaded.p50 / reference.loaded.p50)] : []),
    fmtInt(badResponses(r.all) + badResponses(r.warm)),
  ]);
}

function report(
  info: WebFixture,
  opts: { connections: number; duration: number; rounds: number; warmup: number; sequential: number },
  cpu: { rounds: number; requests: number },
  consolePages: Measured,
  searches: Measured,
  [loadBefore, loadAfter]: number[][],
): BenchResult {
  const c = `c=${opts.connections}`;
  const [withWidgets, withoutWidgets] = consolePages.results as [CompareResult, CompareResult];
  const [cpuWith, cpuWithout] = consolePages.cpuMs as [number, number];
  const head = ['page', 'c=1 p50 ms>', 'c=1 p95 ms>', `${c} req/s>`, `${c} p50 ms>`, `${c} p95 ms>`, 'server CPU ms/req>'];
  const goal = (what: string, ratio: number) => [what, fmtRatio(ratio), `≤ ${GOAL}×`, verdict(ratio, GOAL)];
  const kb = info.knowledge;
  const problems = [...consolePages.results, ...searches.results].flatMap(({ target, all, warm }) => [
    ...(badResponses(all) ? [`${target.name}: ${describeBad(all)} in the measured runs`] : []),
    ...(badResponses(warm) ? [`${target.name}: ${describeBad(warm)} during warm-up`] : []),
  ]);
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(' / ');
  const text = [
    `### Web pages — the console 360 page with ${info.withWidgets.widgets.length} plugin widgets vs without — goal ≤ ${GOAL}×; portal knowledge search at ${fmtInt(kb.articles)} articles`,
    '',
    `Two tenants seeded alike: one customer with an address, ${info.orders} orders, 4 cases and 24 interactions; an agent signed in once through the console's sign-in form. Tenant A has the \`sidebar-widgets\` fixture plugin (core/src/plugins/testing/fixtures) published and installed through the admin API: ${info.withWidgets.widgets.map((w) => `\`${w.id}\``).join(', ')} at \`console.customer.sidebar\`, each declaring what it reads of the customer and their orders as its input, which the page resolves (a keyValue with badges, a table, a keyValue with status badges, a map). Both tenants' pages are GET \`/t/<slug>/console/customers/<id>\`. Every response must be a 200 with the customer's heading, timeline and newest order; on A also every widget's frame and the line it computed from the data, the map's route, and no widget error box.`,
    '',
    `c=1: ${fmtInt(opts.sequential)} requests per page, interleaved request by request; ${c}: autocannon, ${opts.rounds} × ${opts.duration} s per page, alternating, ${opts.warmup} s warm-up before each. Server CPU: user + system time of the server process and its sandbox worker processes (from /proc), ${cpu.rounds} rounds of ${cpu.requests} requests per page at c=1 after the timing.`,
    '',
    markdownTable([...head, 'c=1 p50 ratio>', `${c} p50 ratio>`, 'bad>'], rowsOf(consolePages, withoutWidgets)),
    '',
    markdownTable(['goal: with widgets vs without', 'measured>', 'goal', 'verdict'], [
      goal('p50 latency, c=1', withWidgets.sequential.p50 / withoutWidgets.sequential.p50),
      goal(`p50 latency under load, ${c}`, withWidgets.loaded.p50 / withoutWidgets.loaded.p50),
      goal(`cost per request, ${c} (req/s without ÷ with)`, withoutWidgets.rps / withWidgets.rps),
      goal('server CPU per request, c=1 (not a goal by itself; holds up on a busy machine)', cpuWith / cpuWithout),
    ]),
    '',
    `Knowledge search: a third tenant with ${fmtInt(kb.articles)} public articles (5 topics, 2–4 paragraphs each, two thirds with votes; knowledge-seed.ts), inserted in one transaction as multi-row INSERTs in ${(kb.seedMs / 1000).toFixed(1)} s, the FTS5 index filled by its insert trigger. Anonymous GET \`/t/<slug>/portal/knowledge?q=<word>\`; "${kb.common.word}" matches ${fmtInt(kb.common.matches)} articles, "${kb.rare.word}" ${fmtInt(kb.rare.matches)}; every response must be a 200 listing ${kb.common.hits} and ${kb.rare.hits} hits.`,
    '',
    markdownTable([...head, 'bad>'], rowsOf(searches)),
    '',
    `Load average (1 / 5 / 15 min) at the start of timing ${load(loadBefore!)}, at its end ${load(loadAfter!)}.`,
    '',
    `Bad = non-2xx + connection errors/timeouts + 200s whose page failed its check: ${problems.length ? '' : 'none.'}`,
    ...problems.map((p) => `- ${p}`),
  ].join('\n');
  return { report: text, failures: problems };
}
