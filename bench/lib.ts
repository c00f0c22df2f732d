/** Shared plumbing of the benchmarks: the server child process, load runs, statistics, tables. */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join, dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

export const benchDir = dirname(fileURLToPath(import.meta.url));

/** Progress goes to stderr; stdout carries only the result tables. */
export const log = (message: string): void => {
  process.stderr.write(`[bench] ${message}\n`);
};

export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

export interface Fixture<T> {
  info: T;
  pid: number;
  /** Asks the server to shut down (closing stdin) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Runs `serve-fixture.ts` (or another server script of this folder) in its own Node process, so
 * the load generator does not share the server's event loop, and resolves with the JSON line it
 * prints once it listens. The child runs from this folder so tsx maps `@mosaic/core` to core's
 * source (see tsconfig.json). BENCH_CPU_PROF=<dir> makes the server write a V8 CPU profile there
 * when it stops.
 */
export async function startFixture<T>(args: string[], script = 'serve-fixture.ts'): Promise<Fixture<T>> {
  const profDir = process.env.BENCH_CPU_PROF;
  const child = spawn(
    process.execPath,
    [
      '--no-node-snapshot',
      ...(profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : []),
      '--import', 'tsx',
      join(benchDir, script),
      ...args,
    ],
    {
      cwd: benchDir,
      // As `mosaic serve` runs (bin/mosaic.js): graphql-js without its development checks.
      env: { NODE_ENV: 'production', ...process.env, TSX_TSCONFIG_PATH: join(benchDir, 'tsconfig.json'), MOSAIC_LOG_LEVEL: 'silent' },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const info = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the fixture server did not start within 120 s')), 120_000);
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as T);
      } catch {
        reject(new Error(`the fixture server printed something other than JSON: ${line.slice(0, 500)}`));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the fixture server exited (code ${code}) before it was ready`));
    });
  });

  return {
    info,
    pid: child.pid!,
    async stop() {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
      process.off('exit', killOnExit);
    },
  };
}

/** What one load run produced, with every latency kept so percentiles can span several runs. */
export interface LoadRun {
  latenciesMs: number[];
  seconds: number;
  /** Responses with a status other than 2xx. */
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
  /** 2xx responses whose body was wrong. */
  mismatches: number;
  statusCodes: Record<string, number>;
}

/** An autocannon run that records the latency of every response (autocannon only keeps a histogram). */
/**
 * What a GraphQL response body answers, without `extensions` (its cost budget changes from
 * request to request); a body that is not JSON answers itself, so it never matches.
 */
export function answerOf(body: string): string {
  try {
    const { data, errors } = JSON.parse(body) as { data?: unknown; errors?: unknown };
    return JSON.stringify({ data, errors });
  } catch {
    return body;
  }
}

/**
 * Whether a response body answers `expected` (an answerOf). The executor sets an object's keys in
 * the order its fields resolve, so two equal answers may list keys in another order; those are
 * compared with keys sorted.
 */
export function sameAnswer(body: string, expected: string): boolean {
  const answer = answerOf(body);
  return answer === expected || canonicalJson(answer) === canonicalJson(expected);
}

/** JSON text with every object's keys sorted (text that is not JSON is returned as is). */
export function canonicalJson(json: string): string {
  try {
    return JSON.stringify(JSON.parse(json), (_key, value: unknown) => (value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value));
  } catch {
    return json;
  }
}

export async function loadRun(opts: autocannon.Options): Promise<LoadRun> {
  const latenciesMs: number[] = [];
  const result = await autocannon({
    timeout: 10,
    ...opts,
    setupClient: (client) => {
      client.on('response', (_status: number, _bytes: number, ms: number) => latenciesMs.push(ms));
    },
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats)) statusCodes[code] = stat.count;
  return {
    latenciesMs,
    seconds: result.duration,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
    statusCodes,
  };
}

/** Several runs of the same target taken together. */
export function combine(runs: LoadRun[]): LoadRun {
  const out: LoadRun = { latenciesMs: [], seconds: 0, non2xx: 0, errors: 0, timeouts: 0, mismatches: 0, statusCodes: {} };
  for (const r of runs) {
    for (const ms of r.latenciesMs) out.latenciesMs.push(ms);
    out.seconds += r.seconds;
    out.non2xx += r.non2xx;
    out.errors += r.errors;
    out.timeouts += r.timeouts;
    out.mismatches += r.mismatches;
    for (const [code, n] of Object.entries(r.statusCodes)) out.statusCodes[code] = (out.statusCodes[code] ?? 0) + n;
  }
  return out;
}

export const badResponses = (r: LoadRun): number => r.non2xx + r.errors + r.mismatches;

export function describeBad(r: LoadRun): string {
  const parts = [
    r.non2xx && `${r.non2xx} non-2xx (${JSON.stringify(r.statusCodes)})`,
    r.errors && `${r.errors} errors (${r.timeouts} of them timeouts)`,
    r.mismatches && `${r.mismatches} wrong bodies`,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'none';
}

export interface Summary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

/** Nearest-rank percentiles. */
export function summarize(latenciesMs: readonly number[]): Summary {
  const sorted = Float64Array.from(latenciesMs).sort();
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]! : NaN);
  let sum = 0;
  for (const v of sorted) sum += v;
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), mean: sorted.length ? sum / sorted.length : NaN };
}

export const fmtInt = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
export const fmtMs = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : '—');
export const fmtRatio = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : '—');

/** A markdown table; columns whose header ends with `>` are right-aligned (the `>` is dropped). */
export function markdownTable(headers: string[], rows: (string | number)[][]): string {
  const right = headers.map((h) => h.endsWith('>'));
  const head = headers.map((h) => (h.endsWith('>') ? h.slice(0, -1) : h));
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;
  return [line(head), line(right.map((r) => (r ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

/** One keep-alive connection for sequential requests (concurrency 1) to `url` (its query string included). */
export function sequentialClient(url: string, headers: Record<string, string>, timeoutMs = 30_000) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL(url);
  const send = (method: 'GET' | 'POST', body?: string): Promise<{ status: number; body: string }> => new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method,
        headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    // A server that never answers must fail the benchmark, not hang it.
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no response from ${url} within ${timeoutMs / 1000} s`)));
    req.end(body);
  });
  return {
    post: (body: string) => send('POST', body),
    get: () => send('GET'),
    close: () => agent.destroy(),
  };
}

/** A small seeded PRNG (mulberry32), so a run picks the same customers as the last one. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A benchmark's markdown report, and what went wrong (a non-empty list fails the run). */
export interface BenchResult {
  report: string;
  failures: string[];
}
