/**
 * `writes`: the same write workload on an embedded libsql file and on a libsql server (sqld),
 * side by side in one run. Eight clients (autocannon connections) send, in turn, `addInteraction`
 * (on an open case, so its SLA is touched) and `createCase` (in a queue) through the full
 * HTTP/GraphQL stack of a fixture server. One fixture process per mode, both up for the whole run
 * (alternating rounds, so drift of the shared machine hits both alike); sqld runs on loopback as
 * the tests start it. Every response must be 200 with the new row's id and no error.
 *
 * Then the same clients read: the customer 360 query of `scale` on the customer written to, every
 * answer checked for the customer's name and no error.
 *
 * sqld's own metrics (admin API) count the HTTP requests it answered during the measured runs:
 * divided by the requests, that is the round trips each costs (background loops included).
 */
import { loadavg } from 'node:os';
import { startSqld } from '../test/src/sqld-server.js';
import { QUERY_360 } from './scale.js';
import type { WritesFixture } from './serve-writes-fixture.js';
import {
  badResponses, combine, describeBad, envNumber, fmtInt, fmtMs, fmtRatio, loadRun, log, markdownTable,
  sequentialClient, startFixture, summarize, type BenchResult, type Fixture, type LoadRun,
} from './lib.js';

interface Mode {
  name: string;
  fixture: Fixture<WritesFixture>;
  /** HTTP requests sqld has answered so far (sqld modes only). */
  sqldRequests?: () => Promise<number>;
}

const ADD_INTERACTION = 'mutation($i: AddInteractionInput!) { addInteraction(input: $i) { interaction { id } } }';
const CREATE_CASE = 'mutation($i: CreateCaseInput!) { createCase(input: $i) { case { id } } }';

/** What the clients send (each connection sends the bodies in turn), and what a right answer is. */
interface Workload {
  name: 'writes' | 'reads';
  bodies: (info: WritesFixture) => string[];
  verify: (body: string) => boolean;
}

const headersFor = (info: WritesFixture) => ({ 'content-type': 'application/json', authorization: `Bearer ${info.apiKey}` });

/** A write is right when it carries the new row's id and no error. */
const wrote = (body: string): boolean => {
  try {
    const { data, errors } = JSON.parse(body) as { data?: Record<string, Record<string, { id?: string }> | null>; errors?: unknown };
    if (errors || !data) return false;
    const payload = data.addInteraction ?? data.createCase;
    return typeof (payload?.interaction ?? payload?.case)?.id === 'string';
  } catch {
    return false;
  }
};

const WRITES: Workload = {
  name: 'writes',
  bodies: (info) => [
    JSON.stringify({
      query: ADD_INTERACTION,
      variables: { i: { customerId: info.customerId, caseId: info.caseId, channel: 'EMAIL', direction: 'INBOUND', body: 'Where is my parcel? It was due on Monday.' } },
    }),
    JSON.stringify({ query: CREATE_CASE, variables: { i: { customerId: info.customerId, subject: 'Parcel late', queueId: info.queueId } } }),
  ],
  verify: wrote,
};

const READS: Workload = {
  name: 'reads',
  bodies: (info) => [JSON.stringify({ query: QUERY_360, variables: { id: info.customerId } })],
  verify: (body) => {
    try {
      const { data, errors } = JSON.parse(body) as { data?: { customer?: { name?: string } }; errors?: unknown };
      return !errors && data?.customer?.name === 'Ada Lovelace';
    } catch {
      return false;
    }
  },
};

/** sqld's count of user HTTP responses, from its Prometheus metrics on the admin API. */
async function sqldResponses(adminUrl: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', adminUrl))).text();
  let total = 0;
  for (const m of text.matchAll(/^libsql_server_user_http_response\{[^}]*\}\s+(\d+)/gm)) total += Number(m[1]);
  return total;
}

export async function writes(): Promise<BenchResult> {
  const duration = envNumber('BENCH_DURATION', 8);
  const warmup = envNumber('BENCH_WARMUP', 2);
  const rounds = envNumber('BENCH_ROUNDS', 2);
  const connections = envNumber('BENCH_CONNECTIONS', 8);

  const sqld = await startSqld();
  const modes: Mode[] = [];
  try {
    log('writes: starting the embedded and the sqld fixture servers');
    modes.push({ name: 'embedded file', fixture: await startFixture<WritesFixture>([], 'serve-writes-fixture.ts') });
    modes.push({
      name: 'sqld (Hrana over HTTP, loopback)',
      fixture: await startFixture<WritesFixture>(['--database-url', sqld.url, '--database-admin-url', sqld.adminUrl], 'serve-writes-fixture.ts'),
      sqldRequests: () => sqldResponses(sqld.adminUrl),
    });

    const reports: string[] = [];
    const failures: string[] = [];
    for (const workload of [WRITES, READS]) {
      const measured = await measure(workload, modes, { duration, warmup, rounds, connections });
      reports.push(measured.report);
      failures.push(...measured.failures);
    }
    return { report: reports.join('\n\n'), failures };
  } finally {
    for (const mode of modes) await mode.fixture.stop();
    await sqld.stop();
  }
}

interface Settings {
  duration: number;
  warmup: number;
  rounds: number;
  connections: number;
}

/** One workload on every mode, in alternating rounds: its table. */
async function measure(workload: Workload, modes: Mode[], { duration, warmup, rounds, connections }: Settings): Promise<BenchResult> {
  // Each mode must answer right before its speed means anything.
  for (const mode of modes) {
    const client = sequentialClient(mode.fixture.info.graphqlUrl, headersFor(mode.fixture.info));
    for (const body of workload.bodies(mode.fixture.info)) {
      const res = await client.post(body);
      if (res.status !== 200 || !workload.verify(res.body)) throw new Error(`${mode.name} answered ${res.status} ${res.body.slice(0, 300)}`);
    }
    client.close();
  }

  const runs = new Map<Mode, LoadRun[]>(modes.map((m) => [m, []]));
  const warmups = new Map<Mode, LoadRun[]>(modes.map((m) => [m, []]));
  const loads = new Map<Mode, string[]>(modes.map((m) => [m, []]));
  const sqldRequests = new Map<Mode, number>();
  const load = () => loadavg()[0]!.toFixed(2);
  const cannon = (mode: Mode, seconds: number) => loadRun({
    url: mode.fixture.info.graphqlUrl, connections, duration: seconds, method: 'POST', headers: headersFor(mode.fixture.info),
    requests: workload.bodies(mode.fixture.info).map((body) => ({ method: 'POST', body })), verifyBody: workload.verify,
  });
  for (let round = 1; round <= rounds; round++) {
    for (const mode of modes) {
      log(`writes, ${workload.name}, round ${round}/${rounds}: ${mode.name}: ${warmup} s warm-up, ${duration} s measured, ${connections} connections`);
      warmups.get(mode)!.push(await cannon(mode, warmup));
      const before = load();
      const requestsBefore = await mode.sqldRequests?.();
      const run = await cannon(mode, duration);
      const requestsAfter = await mode.sqldRequests?.();
      if (requestsBefore !== undefined && requestsAfter !== undefined) {
        sqldRequests.set(mode, (sqldRequests.get(mode) ?? 0) + requestsAfter - requestsBefore);
      }
      loads.get(mode)!.push(`${before} / ${load()}`);
      runs.get(mode)!.push(run);
      log(`  ${fmtInt(run.latenciesMs.length / run.seconds)} req/s; bad responses: ${describeBad(run)}`);
    }
  }

  const results = modes.map((mode) => {
    const all = combine(runs.get(mode)!);
    return { mode, all, warm: combine(warmups.get(mode)!), stats: summarize(all.latenciesMs), rps: all.latenciesMs.length / all.seconds };
  });
  const embeddedRps = results[0]!.rps;
  const rows = results.map(({ mode, all, stats, rps }) => {
    const requests = sqldRequests.get(mode);
    return [
      mode.name, fmtInt(rps), fmtMs(stats.p50), fmtMs(stats.p99), fmtInt(stats.count), fmtInt(badResponses(all)),
      fmtRatio(rps / embeddedRps), requests === undefined ? '—' : (requests / stats.count).toFixed(1), loads.get(mode)!.join('; '),
    ];
  });
  const perRound = modes.flatMap((mode) =>
    runs.get(mode)!.map((r, i) => `${mode.name}, round ${i + 1}: ${fmtInt(r.latenciesMs.length / r.seconds)} req/s`));
  const problems = results.flatMap(({ mode, all, warm }) => [
    ...(badResponses(all) ? [`**${workload.name}, ${mode.name}: ${describeBad(all)} in the measured runs**`] : []),
    ...(badResponses(warm) ? [`${workload.name}, ${mode.name}: ${describeBad(warm)} during warm-up`] : []),
  ]);
  const title = workload.name === 'writes'
    ? `### writes — addInteraction and createCase in turn, autocannon -c ${connections}, ${rounds} × ${duration} s per mode (alternating, ${warmup} s warm-up before each)`
    : `### writes, then reads — the customer 360 query of \`scale\` on the customer written to, autocannon -c ${connections}, ${rounds} × ${duration} s per mode (alternating, ${warmup} s warm-up before each)`;
  const report = [
    title,
    '',
    markdownTable(['mode', 'req/s>', 'p50 ms>', 'p99 ms>', 'responses>', 'bad>', 'vs embedded>', `sqld requests per ${workload.name === 'writes' ? 'write' : 'read'}>`, 'load before / after (per round)'], rows),
    '',
    `Bad = non-2xx + connection errors/timeouts + 2xx ${workload.name === 'writes' ? 'without the new id' : 'without the customer'} or with an error: ${problems.length ? '' : 'none.'}`,
    ...problems.map((p) => `- ${p}`),
    '',
    `Per round: ${perRound.join('; ')}.`,
    workload.name === 'writes'
      ? 'Goal: sqld ≥ 0.5× embedded. sqld requests per write counts every HTTP request sqld answered during the measured runs (background loops included).'
      : 'No goal: for what reads cost on sqld. sqld requests per read counts every HTTP request sqld answered during the measured runs.',
  ].join('\n');
  return { report, failures: problems };
}
