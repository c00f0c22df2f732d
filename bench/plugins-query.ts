/**
 * A customer query over 50 orders with a plugin field on every order, against the same query
 * selecting native fields, served by a real platform in a child process (serve-plugin-fixture.ts)
 * and loaded by autocannon here, alternating the targets.
 */
import type { PluginQueryFixture } from './serve-plugin-fixture.js';
import {
  answerOf, badResponses, combine, describeBad, fmtInt, fmtMs, fmtRatio, loadRun, log, markdownTable, sequentialClient,
  startFixture, summarize, type LoadRun, type Summary,
} from './lib.js';
import { FIELD, PLUGIN_ID, badge, pause, verdict } from './plugins-common.js';

/** Which installation of the fixture a query's plugin field reaches, if it selects one. */
export type PluginVariant = 'wholeParents' | 'declaredInput' | 'keptResults';

export interface QueryTarget {
  name: string;
  selection: string;
  body: string;
  expected: string;
  headers: Record<string, string>;
  plugin?: PluginVariant;
}

export interface QueryResult {
  target: QueryTarget;
  /** c=1, one request at a time. */
  sequential: Summary;
  all: LoadRun;
  warm: LoadRun;
  stats: Summary;
  rps: number;
}

/** One variant's sandbox calls as the platform metered them, and the requests that caused them. */
export interface VariantUsage {
  /** The measured c=1 requests, and the autocannon phase (warm-ups included). */
  sequential: Usage;
  loaded: Usage;
  requests: { sequential: number; loaded: number };
}

export interface QueryRun {
  results: QueryResult[];
  connections: number;
  duration: number;
  warmup: number;
  rounds: number;
  sequential: number;
  /** From the platform's own metering (pluginUsage), per variant. */
  usage: Record<PluginVariant, VariantUsage>;
}

export interface Usage {
  calls: number;
  failures: number;
  cpuMs: number;
  wallMs: number;
}

/** What the platform itself metered for the plugin so far (it flushes every second, so wait first). */
export async function meteredUsage(graphqlUrl: string, headers: Record<string, string>, pluginId = PLUGIN_ID): Promise<Usage> {
  await pause(2_500);
  const client = sequentialClient(graphqlUrl, headers);
  const res = await client.post(JSON.stringify({ query: `{pluginUsage(pluginId:"${pluginId}"){calls failures cpuMs wallMs}}` }));
  client.close();
  const rows = (JSON.parse(res.body) as { data?: { pluginUsage?: Usage[] } }).data?.pluginUsage;
  if (res.status !== 200 || !rows) throw new Error(`pluginUsage: ${res.status} ${res.body.slice(0, 300)}`);
  return rows.reduce((a, r) => ({ calls: a.calls + r.calls, failures: a.failures + r.failures, cpuMs: a.cpuMs + r.cpuMs, wallMs: a.wallMs + r.wallMs }), { calls: 0, failures: 0, cpuMs: 0, wallMs: 0 });
}

export const minus = (a: Usage, b: Usage): Usage => ({
  calls: a.calls - b.calls, failures: a.failures - b.failures, cpuMs: a.cpuMs - b.cpuMs, wallMs: a.wallMs - b.wallMs,
});

const query = (customerId: string, selection: string): string =>
  `{customer(id:"${customerId}"){name orders(first:50){edges{node{id ${selection}}}}}}`;

export interface QueryOptions {
  connections: number;
  duration: number;
  warmup: number;
  rounds: number;
  sequential: number;
  sequentialWarmup: number;
}

export async function pluginQuery(opts: QueryOptions): Promise<QueryRun> {
  const fixture = await startFixture<PluginQueryFixture>([], 'serve-plugin-fixture.ts');
  try {
    const { graphqlUrl, orders } = fixture.info;
    const headersOf = (variant: PluginVariant) => ({ 'content-type': 'application/json', authorization: `Bearer ${fixture.info[variant].apiKey}` });
    const clients = {
      wholeParents: sequentialClient(graphqlUrl, headersOf('wholeParents')),
      declaredInput: sequentialClient(graphqlUrl, headersOf('declaredInput')),
      keptResults: sequentialClient(graphqlUrl, headersOf('keptResults')),
    };
    const clientOf = (t: QueryTarget) => clients[t.plugin ?? 'wholeParents'];
    type Node = Record<string, unknown>;
    // `tenant` says whose orders are queried; both tenants hold the same orders.
    const ask = async (name: string, selection: string, tenant: PluginVariant): Promise<{ body: string; expected: string; nodes: Node[] }> => {
      const body = JSON.stringify({ query: query(fixture.info[tenant].customerId, selection) });
      const res = await clients[tenant].post(body);
      const parsed = JSON.parse(res.body) as { data?: { customer?: { orders: { edges: { node: Node }[] } } }; errors?: unknown };
      const edges = parsed.data?.customer?.orders.edges;
      if (res.status !== 200 || parsed.errors || edges?.length !== orders) {
        throw new Error(`${name}: ${res.status} ${res.body.slice(0, 500)}`);
      }
      return { body, expected: answerOf(res.body), nodes: edges.map((e) => e.node) };
    };
    // The plugin must have computed exactly what the native fields say, order by order.
    const checkLabels = (variant: PluginVariant, plugin: Node[], native: Node[]) => plugin.forEach((node, i) => {
      const want = badge(native[i] as { orderNumber: string; orderStatus: string });
      if (node.id !== native[i]!.id || node[FIELD] !== want) {
        throw new Error(`${variant}, order ${i}: the plugin said ${JSON.stringify(node)}, the native fields say ${JSON.stringify(native[i])}`);
      }
    });
    const targets: QueryTarget[] = [];
    const addTarget = async (name: string, selection: string, plugin?: PluginVariant) => {
      const tenant = plugin ?? 'wholeParents';
      const { body, expected, nodes } = await ask(name, selection, tenant);
      targets.push({ name, selection, body, expected, headers: headersOf(tenant), ...(plugin ? { plugin } : {}) });
      return nodes;
    };
    const native = await addTarget('native fields', 'orderNumber orderStatus');
    checkLabels('wholeParents', await addTarget('plugin field, whole parents', FIELD, 'wholeParents'), native);
    const declaredNative = await ask('native fields (declared-input tenant)', 'orderNumber orderStatus', 'declaredInput');
    checkLabels('declaredInput', await addTarget('plugin field, declared input', FIELD, 'declaredInput'), declaredNative.nodes);
    const keptNative = await ask('native fields (kept-results tenant)', 'orderNumber orderStatus', 'keptResults');
    checkLabels('keptResults', await addTarget('plugin field, declared input, kept results', FIELD, 'keptResults'), keptNative.nodes);
    await addTarget('native fields + lines (reference)', 'orderNumber orderStatus lines{sku}');
    const pluginTargets = { wholeParents: targets[1]!, declaredInput: targets[2]!, keptResults: targets[3]! };

    // Unloaded latency: one request at a time, one keep-alive connection per tenant, the targets
    // interleaved request by request. Every body must answer what the first did (the load runs
    // check that too).
    const sequential = new Map<QueryTarget, number[]>(targets.map((t) => [t, []]));
    log(`plugins: 360 query, sequential: ${opts.sequentialWarmup} warm-up + ${opts.sequential} measured requests per query, interleaved`);
    const interleaved = async (requests: number, record: boolean) => {
      for (let i = 0; i < requests; i++) {
        for (const t of targets) {
          const t0 = performance.now();
          const res = await clientOf(t).post(t.body);
          const ms = performance.now() - t0;
          if (res.status !== 200 || answerOf(res.body) !== t.expected) throw new Error(`${t.name}: request ${i} answered ${res.status} ${res.body.slice(0, 300)}`);
          if (record) sequential.get(t)!.push(ms);
        }
      }
    };
    const metered = async () => ({
      wholeParents: await meteredUsage(graphqlUrl, headersOf('wholeParents')),
      declaredInput: await meteredUsage(graphqlUrl, headersOf('declaredInput')),
      keptResults: await meteredUsage(graphqlUrl, headersOf('keptResults')),
    });
    await interleaved(opts.sequentialWarmup, false);
    // The first plugin call forked the sandbox worker and started the isolate; meter without it.
    const usageBefore = await metered();
    await interleaved(opts.sequential, true);
    for (const client of Object.values(clients)) client.close();
    const usageAfterSequential = await metered();

    const runs = new Map<QueryTarget, LoadRun[]>(targets.map((t) => [t, []]));
    const warmups = new Map<QueryTarget, LoadRun[]>(targets.map((t) => [t, []]));
    const cannon = (t: QueryTarget, seconds: number) =>
      loadRun({ url: graphqlUrl, connections: opts.connections, duration: seconds, method: 'POST', headers: t.headers, body: t.body, verifyBody: (body) => answerOf(body) === t.expected });
    for (let round = 1; round <= opts.rounds; round++) {
      for (const t of targets) {
        log(`plugins: 360 query round ${round}/${opts.rounds}: ${t.name}: ${opts.warmup} s warm-up, ${opts.duration} s measured, ${opts.connections} connections`);
        warmups.get(t)!.push(await cannon(t, opts.warmup));
        const run = await cannon(t, opts.duration);
        runs.get(t)!.push(run);
        log(`  ${fmtInt(run.latenciesMs.length / run.seconds)} req/s; bad responses: ${describeBad(run)}`);
      }
    }

    const usageAtEnd = await metered();
    const usageOf = (variant: PluginVariant): VariantUsage => ({
      sequential: minus(usageAfterSequential[variant], usageBefore[variant]),
      loaded: minus(usageAtEnd[variant], usageAfterSequential[variant]),
      requests: {
        sequential: opts.sequential,
        loaded: [...runs.get(pluginTargets[variant])!, ...warmups.get(pluginTargets[variant])!].reduce((n, r) => n + r.latenciesMs.length, 0),
      },
    });
    const results = targets.map((target) => {
      const all = combine(runs.get(target)!);
      const sequentialStats = summarize(sequential.get(target)!);
      return { target, sequential: sequentialStats, all, warm: combine(warmups.get(target)!), stats: summarize(all.latenciesMs), rps: all.latenciesMs.length / all.seconds };
    });
    const { connections, duration, warmup, rounds } = opts;
    return {
      results, connections, duration, warmup, rounds, sequential: opts.sequential,
      usage: { wholeParents: usageOf('wholeParents'), declaredInput: usageOf('declaredInput'), keptResults: usageOf('keptResults') },
    };
  } finally {
    await fixture.stop();
  }
}

export function queryReport(run: QueryRun): { report: string; failures: string[] } {
  const [native, whole, declared, kept, lines] = run.results as [QueryResult, QueryResult, QueryResult, QueryResult, QueryResult];
  const variants = [whole, declared, kept];
  const rows = run.results.map(({ target, all, stats, rps, sequential }) => [
    target.name, `\`${target.selection}\``, fmtMs(sequential.p50), fmtMs(sequential.p99), fmtRatio(sequential.p50 / native.sequential.p50),
    fmtInt(rps), fmtMs(stats.p50), fmtMs(stats.p99), fmtInt(badResponses(all)), fmtRatio(native.rps / rps), fmtRatio(stats.p50 / native.stats.p50),
  ]);
  const goal = (what: string, ratio: (r: QueryResult) => number, limit: number | null = 1.3) => [
    what, ...variants.map((r) => fmtRatio(ratio(r))), limit === null ? '(no goal)' : `≤ ${limit}×`,
    limit === null ? '—' : variants.map((r) => verdict(ratio(r), limit)).join(' / '),
  ];
  const goals = [
    goal('cost per request (native req/s ÷ plugin req/s)', (r) => native.rps / r.rps),
    goal(`p50 latency under load, c=${run.connections} (plugin ÷ native)`, (r) => r.stats.p50 / native.stats.p50),
    goal('p50 latency unloaded, c=1 (plugin ÷ native)', (r) => r.sequential.p50 / native.sequential.p50),
    goal(`p99 latency under load, c=${run.connections} (plugin ÷ native)`, (r) => r.stats.p99 / native.stats.p99, null),
  ];
  const problems = run.results.flatMap(({ target, all, warm }) => [
    ...(badResponses(all) ? [`**${target.name}: ${describeBad(all)} in the measured runs**`] : []),
    ...(badResponses(warm) ? [`${target.name}: ${describeBad(warm)} during warm-up`] : []),
  ]);
  const perCall = (u: Usage) => (u.calls ? `${(u.wallMs / u.calls).toFixed(2)} ms wall and ${(u.cpuMs / u.calls).toFixed(2)} ms isolate CPU per call` : 'no calls metered');
  const usageRows = variants.flatMap(({ target }) => {
    const u = run.usage[target.plugin!];
    const failed = u.sequential.failures + u.loaded.failures;
    if (failed) problems.push(`the platform metered ${failed} failed plugin calls for ${target.name}`);
    return [
      [target.name, 'c=1 (the measured requests)', fmtInt(u.requests.sequential), fmtInt(u.sequential.calls), perCall(u.sequential)],
      [target.name, `c=${run.connections} (autocannon, warm-ups included)`, fmtInt(u.requests.loaded), fmtInt(u.loaded.calls), perCall(u.loaded)],
    ];
  });
  const seqCallMs = (r: QueryResult) => {
    const u = run.usage[r.target.plugin!].sequential;
    return u.calls ? u.wallMs / u.calls : NaN;
  };
  const over = (r: QueryResult) => fmtMs(r.sequential.p50 - native.sequential.p50);
  const report = [
    `#### 3. A customer query over 50 orders: plugin field vs native fields — goal ≤ 1.3×`,
    '',
    `c=1: ${fmtInt(run.sequential)} requests per query one at a time on one keep-alive connection per tenant, the five queries interleaved request by request. c=${run.connections}: autocannon, ${run.rounds} × ${run.duration} s per query, alternating, ${run.warmup} s warm-up before each. Every response is checked against the first answer, and before timing, each plugin variant's labels against the native fields of its tenant, order by order.`,
    '',
    'Query: `{customer(id){name orders(first:50){edges{node{id <selection>}}}}}`, one customer with 50 orders (1–2 lines each), served by the real app (auth, graphql-yoga, every plugin) in a child process; the plugin `acme.order-badge` was built with the SDK build, published and installed through the admin API. What is compared: the plugin field `acme_orderBadge_label` (its resolver returns `"<orderNumber> (<orderStatus>)"` for all 50 orders in **one batched sandbox call**) against the native scalar fields `orderNumber orderStatus` on the same orders (the same information, resolved in core from the row already loaded). Core has no native `label` field, so that is the closest native equivalent. The plugin field comes in two versions of the fixture: **whole parents** (1.0.0, as written: no declared input, so core hands it SDL-shaped orders, lines included — one batched SQL query for the lines and a copy of each order) and **declared input** (1.1.0, the same source with `inputs: { Order: { acme_orderBadge_label: graphql(\`fragment BadgeInput on Order { orderNumber orderStatus }\`) } }` and the `orders:read` scope: core executes that fragment once per batch with its own resolvers and sends only those two fields). The third, **kept results** (1.2.0), adds `resultCache: { Order: { acme_orderBadge_label: { maxAgeSeconds: 60 } } }`: once warm, the server answers the field from the result of an earlier call with the same inputs, without a sandbox call (docs/architecture.md, \"Kept results\"); it shows what a field whose answer follows from its input alone costs, where the other two measure the crossing. A tenant installs one version of a plugin, so 1.1.0 and 1.2.0 run in tenants of their own with the same customer and orders; the native rows run in the first. The last row selects `lines{sku}` natively, for the cost of loading lines in core.',
    '',
    markdownTable(['query', 'selection', 'c=1 p50 ms>', 'c=1 p99 ms>', 'c=1 p50 vs native>', `c=${run.connections} req/s>`, 'p50 ms>', 'p99 ms>', 'bad>', 'cost vs native>', 'p50 vs native>'], rows),
    '',
    markdownTable(['goal: plugin vs native', 'whole parents>', 'declared input>', 'kept results>', 'goal', 'verdict (whole / declared / kept)'], goals),
    '',
    'Sandbox calls as the platform itself metered them (`pluginUsage` of each tenant: wall time of `supervisor.invoke` — core → worker → isolate → core — and isolate CPU time):',
    '',
    markdownTable(['query', 'phase', 'plugin-query requests>', 'sandbox calls>', 'per call'], usageRows),
    '',
    `One crossing per request: the resolver is batched over the 50 orders (the few extra calls under load are requests cut off at the end of a run: answered by the server, not counted by the client). Under load the wall time includes queueing: the reply waits for the server's busy event loop, and the worker shares 2 cores with the server and the load generator. Unloaded, at p50 the plugin query costs ${over(whole)} ms more than the native one with whole parents and ${over(declared)} ms more with its input declared (whole parents − declared input: ${fmtMs(whole.sequential.p50 - declared.sequential.p50)} ms). For scale (not a breakdown: these are means and p50s of different things): the metered sandbox call averages ${fmtMs(seqCallMs(whole))} ms (whole parents) and ${fmtMs(seqCallMs(declared))} ms (declared input) at c=1 (means, tail included; section 2 has the call's p50 by batch size), and selecting \`lines{sku}\` natively adds ${fmtMs(lines.sequential.p50 - native.sequential.p50)} ms at p50 — the whole-parents path loads the same lines (SQL) to build its parents, without resolving them through GraphQL. With kept results the plugin query costs ${over(kept)} ms more than the native one, for ${fmtInt(run.usage.keptResults.sequential.calls)} sandbox calls over its ${fmtInt(run.usage.keptResults.requests.sequential)} measured c=1 requests.`,
    '',
    `Bad = non-2xx + connection errors/timeouts + 2xx with a body other than the first answer: ${problems.length ? '' : 'none.'}`,
    ...problems.map((p) => `- ${p}`),
  ].join('\n');
  return { report, failures: problems };
}
