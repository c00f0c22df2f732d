/**
 * Full stack vs baseline: the real app's /graphql answering `{customer(id){id name email}}`
 * against a raw hono route doing the same work without GraphQL (verify the key, open the
 * tenant's database, one SELECT, the same JSON), and the raw route against a hello-world hono
 * route answering that JSON as a constant, and graphql-yoga alone answering the same query from
 * memory (the floor of any route through yoga). All are served by one child process; the load
 * generator (autocannon, 50 connections) runs here, alternating the targets so drift of the
 * machine hits them alike. Every response must be 200 with exactly the expected body.
 * Goals (issue 13): full stack ≥ 0.7× the raw route, the raw route ≥ 0.5× hello-world.
 */
import type { FullStackFixture } from './serve-fixture.js';
import {
  answerOf, badResponses, combine, describeBad, envNumber, fmtInt, fmtMs, fmtRatio, loadRun, log, markdownTable,
  sequentialClient, startFixture, summarize, type BenchResult, type LoadRun,
} from './lib.js';

const atLeast = (ratio: number, goal: number) => (ratio >= goal ? 'PASS' : '**MISS**');

interface Target {
  route: string;
  url: string;
  body: string;
}

export async function fullStack(): Promise<BenchResult> {
  const duration = envNumber('BENCH_DURATION', 8);
  const warmup = envNumber('BENCH_WARMUP', 2);
  const rounds = envNumber('BENCH_ROUNDS', 2);
  const connections = envNumber('BENCH_CONNECTIONS', 50);

  const fixture = await startFixture<FullStackFixture>([]);
  try {
    const { apiKey, customer } = fixture.info;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` };
    const expected = JSON.stringify({ data: { customer } });
    const targets: Target[] = [
      { route: 'raw hono route (same work, no GraphQL)', url: fixture.info.rawUrl, body: JSON.stringify({ id: customer.id }) },
      {
        route: 'full stack: hono + auth + graphql-yoga /graphql',
        url: fixture.info.graphqlUrl,
        body: JSON.stringify({ query: `{customer(id:"${customer.id}"){id name email}}` }),
      },
      { route: 'hello-world hono route (the same JSON as a constant)', url: fixture.info.helloUrl, body: '{}' },
      {
        route: 'graphql-yoga alone (the same query, the customer held in memory)',
        url: fixture.info.yogaUrl,
        body: JSON.stringify({ query: `{customer(id:"${customer.id}"){id name email}}` }),
      },
    ];

    // All must answer exactly the same data before their speed means anything.
    for (const t of targets) {
      const client = sequentialClient(t.url, headers);
      const res = await client.post(t.body);
      client.close();
      if (res.status !== 200 || answerOf(res.body) !== expected) {
        throw new Error(`${t.route} answered ${res.status} ${res.body.slice(0, 300)}; expected 200 ${expected}`);
      }
    }

    const runs = new Map<Target, LoadRun[]>(targets.map((t) => [t, []]));
    const warmups = new Map<Target, LoadRun[]>(targets.map((t) => [t, []]));
    const cannon = (t: Target, seconds: number) =>
      loadRun({ url: t.url, connections, duration: seconds, method: 'POST', headers, body: t.body, verifyBody: (body) => answerOf(body) === expected });
    for (let round = 1; round <= rounds; round++) {
      for (const t of targets) {
        log(`full-stack round ${round}/${rounds}: ${t.route}: ${warmup} s warm-up, ${duration} s measured, ${connections} connections`);
        warmups.get(t)!.push(await cannon(t, warmup));
        const run = await cannon(t, duration);
        runs.get(t)!.push(run);
        log(`  ${fmtInt(run.latenciesMs.length / run.seconds)} req/s; bad responses: ${describeBad(run)}`);
      }
    }

    const results = targets.map((t) => {
      const all = combine(runs.get(t)!);
      return { t, all, warm: combine(warmups.get(t)!), stats: summarize(all.latenciesMs), rps: all.latenciesMs.length / all.seconds };
    });
    const [rawRps, fullRps, helloRps, yogaRps] = results.map((r) => r.rps) as [number, number, number, number];
    const rows = results.map(({ t, all, stats, rps }) => [
      t.route, fmtInt(rps), fmtMs(stats.p50), fmtMs(stats.p99), fmtInt(stats.count), fmtInt(badResponses(all)), fmtRatio(rps / rawRps),
    ]);
    const perRound = targets.flatMap((t) =>
      runs.get(t)!.map((r, i) => `${t.route}, round ${i + 1}: ${fmtInt(r.latenciesMs.length / r.seconds)} req/s`),
    );
    const problems = results.flatMap(({ t, all, warm }) => [
      ...(badResponses(all) ? [`**${t.route}: ${describeBad(all)} in the measured runs**`] : []),
      ...(badResponses(warm) ? [`${t.route}: ${describeBad(warm)} during warm-up`] : []),
    ]);

    const report = [
      `### Full stack vs baseline — \`{customer(id){id name email}}\`, autocannon -c ${connections}, ${rounds} × ${duration} s per route (alternating, ${warmup} s warm-up before each)`,
      '',
      markdownTable(['route', 'req/s>', 'p50 ms>', 'p99 ms>', 'responses>', 'bad>', 'ratio vs raw>'], rows),
      '',
      markdownTable(['goal', 'measured>', 'goal', 'verdict'], [
        ['full stack vs raw route (req/s)', fmtRatio(fullRps / rawRps), '≥ 0.7×', atLeast(fullRps / rawRps, 0.7)],
        ['raw route vs hello-world (req/s)', fmtRatio(rawRps / helloRps), '≥ 0.5×', atLeast(rawRps / helloRps, 0.5)],
      ]),
      '',
      `What graphql-yoga alone allows: the full stack serves ${fmtRatio(fullRps / yogaRps)} of its requests per second, and it serves ${fmtRatio(yogaRps / rawRps)} of the raw route's.`,
      '',
      `Bad = non-2xx + connection errors/timeouts + 2xx with a body other than \`${expected}\`: ${problems.length ? '' : 'none.'}`,
      ...problems.map((p) => `- ${p}`),
      '',
      `Per round: ${perRound.join('; ')}.`,
      `Server: one child process (Node ${process.version}); load generator: this process.`,
    ].join('\n');
    return { report, failures: problems };
  } finally {
    await fixture.stop();
  }
}
