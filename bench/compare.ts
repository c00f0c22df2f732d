/**
 * Side-by-side runs of several GraphQL queries (or pages) against one server: c=1 interleaved
 * request by request, then autocannon alternating the targets, every response checked against
 * the query's first answer (or by the target's own check). Interleaving makes whatever else the
 * machine does weigh on every target alike.
 */
import {
  answerOf, combine, describeBad, fmtInt, loadRun, log, sameAnswer, sequentialClient, summarize, type LoadRun, type Summary,
} from './lib.js';

export interface CompareTarget {
  name: string;
  /** The POST body; a target without one is a GET. */
  body?: string;
  /** answerOf(the first response): every later response must answer the same. */
  expected?: string;
  /** Instead of `expected`, for answers that differ from request to request (an HTML page with its form token): what is wrong with a body, or null. */
  check?: (body: string) => string | null;
  headers: Record<string, string>;
  /** Where this target's requests go, when not to the options' `url`. */
  url?: string;
}

/** What is wrong with a response body for `t`, or null when it is what `t` expects. */
function problem(t: CompareTarget, body: string): string | null {
  if (t.check) return t.check(body);
  if (t.expected === undefined) throw new Error(`${t.name}: a target needs an expected answer or a check`);
  return sameAnswer(body, t.expected) ? null : whereItDiffers(answerOf(body), t.expected);
}

export interface CompareOptions {
  url: string;
  /** c=1: requests per query, after `sequentialWarmup` unrecorded ones. */
  sequential: number;
  sequentialWarmup: number;
  /** Autocannon: `rounds` × `duration` s per query, each after `warmup` s, at `connections`. */
  connections: number;
  duration: number;
  warmup: number;
  rounds: number;
  /** For progress lines. */
  label: string;
}

export interface CompareResult {
  target: CompareTarget;
  sequential: Summary;
  /** The measured autocannon runs together, and their warm-ups. */
  all: LoadRun;
  warm: LoadRun;
  loaded: Summary;
  rps: number;
}

/** c=1: one keep-alive connection per query, the queries taking turns request by request. */
export async function interleaved(opts: CompareOptions, targets: readonly CompareTarget[], requests: number, record?: Map<CompareTarget, number[]>): Promise<void> {
  const clients = targets.map((t) => sequentialClient(t.url ?? opts.url, t.headers));
  try {
    for (let i = 0; i < requests; i++) {
      for (const [k, t] of targets.entries()) {
        const client = clients[k]!;
        const t0 = performance.now();
        const res = t.body === undefined ? await client.get() : await client.post(t.body);
        const ms = performance.now() - t0;
        const wrong = problem(t, res.body);
        if (res.status !== 200 || wrong !== null) throw new Error(`${t.name}: request ${i} answered ${res.status} ${wrong ?? ''}`);
        record?.get(t)!.push(ms);
      }
    }
  } finally {
    for (const c of clients) c.close();
  }
}

/** c=1 then autocannon, as described above. */
export async function compareQueries(opts: CompareOptions, targets: readonly CompareTarget[]): Promise<CompareResult[]> {
  const sequential = new Map<CompareTarget, number[]>(targets.map((t) => [t, []]));
  log(`${opts.label}: c=1: ${opts.sequentialWarmup} warm-up + ${opts.sequential} measured requests per query, interleaved`);
  await interleaved(opts, targets, opts.sequentialWarmup);
  await interleaved(opts, targets, opts.sequential, sequential);

  const runs = new Map<CompareTarget, LoadRun[]>(targets.map((t) => [t, []]));
  const warmups = new Map<CompareTarget, LoadRun[]>(targets.map((t) => [t, []]));
  const cannon = (t: CompareTarget, seconds: number) => loadRun({
    url: t.url ?? opts.url, connections: opts.connections, duration: seconds, method: t.body === undefined ? 'GET' : 'POST', headers: t.headers, body: t.body,
    verifyBody: (body) => problem(t, body) === null,
  });
  for (let round = 1; round <= opts.rounds; round++) {
    for (const t of targets) {
      log(`${opts.label}: round ${round}/${opts.rounds}: ${t.name}: ${opts.warmup} s warm-up, ${opts.duration} s measured, ${opts.connections} connections`);
      warmups.get(t)!.push(await cannon(t, opts.warmup));
      const run = await cannon(t, opts.duration);
      runs.get(t)!.push(run);
      log(`  ${fmtInt(run.latenciesMs.length / run.seconds)} req/s; bad responses: ${describeBad(run)}`);
    }
  }
  return targets.map((target) => {
    const all = combine(runs.get(target)!);
    return {
      target, sequential: summarize(sequential.get(target)!), all, warm: combine(warmups.get(target)!),
      loaded: summarize(all.latenciesMs), rps: all.latenciesMs.length / all.seconds,
    };
  });
}

/** Where an answer first departs from the expected one, with a little context on both sides. */
function whereItDiffers(got: string, expected: string): string {
  let i = 0;
  while (i < got.length && got[i] === expected[i]) i++;
  const around = (text: string) => text.slice(Math.max(0, i - 120), i + 120);
  const errors = got.indexOf('"errors":');
  return `differing at character ${i}: …${around(got)}… where the first answer had …${around(expected)}…${errors >= 0 ? `; ${got.slice(errors, errors + 600)}` : ''}`;
}
