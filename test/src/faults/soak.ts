/**
 * The bounded soak: `mosaic serve` under a steady mixed load (soak-load.ts) for a set time, with
 * latency and errors per window, the server's and the sandbox worker's RSS every 10 s from /proc,
 * and the rows of the tables that only ever grow unless something prunes them, counted before
 * and after. Memory growth is measured from the end of the warm-up (see SoakOptions.warmupSeconds).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { childPids, waitFor } from './fault-world.js';
import { startSoakLoad, type Sample } from './soak-load.js';
import { prepareSoakWorld, pushCarrierUpdate, type SoakWorld } from './soak-world.js';

export interface SoakOptions {
  seconds: number;
  /** How long delivered events and plugin logs are kept (MOSAIC_EVENT_RETENTION_SECONDS and MOSAIC_PLUGIN_LOG_RETENTION_SECONDS). Default 120. */
  retentionSeconds?: number;
  /** How often the retention sweep runs (MOSAIC_RETENTION_SWEEP_SECONDS). Default 30. */
  sweepSeconds?: number;
  /** The width of each latency window. Default 60. */
  windowSeconds?: number;
  /**
   * Memory warms up for the first half of the run (default `seconds / 2`): RSS growth is
   * measured from there to the end. Why half: most of the sandbox worker's growth is garbage in
   * the plugin isolates (their heaps and the external strings copied into them) that V8 leaves
   * until an isolate's first full collection. Traced every 10 s in a 10-minute run, the busiest
   * isolate's heap went from 3 to 11 MB and its external memory from 0.5 to 18 MB until that
   * collection, 5 minutes in; what it freed stays with the allocator for reuse, so the worker's
   * RSS (95 MB at minute 1, 141 MB at minute 5) held near that level afterwards. A leak keeps
   * growing through the second half, so it still shows.
   */
  warmupSeconds?: number;
  /** How old the carrier's signatures are when sent (see SoakLoadOptions). Default 0. */
  webhookAgeSeconds?: number;
  log?: (line: string) => void;
}

export interface WindowStats { from: number; requests: number; errors: number; p50: number; p99: number }
/** Memory every 10 s, with the machine's 1-minute load average (other work on the box shows in latency). */
export interface RssSample { atSeconds: number; coreMb: number; workerMb: number; load: number }
/** RSS at the end of the first window, after the warm-up and at the end; `pct`: growth from after the warm-up to the end. */
export interface Growth { firstWindowMb: number; afterWarmupMb: number; endMb: number; maxMb: number; pct: number }
/**
 * A table that grows with traffic: its rows when the load started and ended, its oldest row's
 * age at the end, and (for those under retention) the rows at the end that the sweep should have
 * pruned: older than the retention plus one sweep interval.
 */
export interface GrowingTable { table: string; start: number; end: number; oldestSeconds: number | null; overdue: number | null }

export interface SoakReport {
  seconds: number;
  windowSeconds: number;
  warmupSeconds: number;
  requests: number;
  errors: number;
  /** `kind: reason` → count. */
  errorReasons: Record<string, number>;
  windows: WindowStats[];
  kinds: { kind: string; requests: number; errors: number; p50: number; p99: number }[];
  rss: RssSample[];
  core: Growth;
  worker: Growth;
  webhooks: {
    accepted: number;
    /** Replay claims left at the end, and of them those past expiry + the 60 s grace when the last push was sent (must be 0). */
    claimsLeft: number;
    expiredLeft: number;
    /** Claims removed by the pruning that rides on each new claim. */
    pruned: number;
  };
  tables: GrowingTable[];
  retentionSeconds: number;
  sweepSeconds: number;
  /** The server's open file handles on database files (`.db`) when the load stopped: one per connection. */
  dbHandles: number;
  /** Event deliveries not delivered a while after the load stopped. */
  undelivered: { pending: number; dead: number };
}

/** The replay claims' grace past expiry before pruning (core's PRUNE_GRACE_MS), plus a second of slack. */
const CLAIM_GRACE_MS = 61_000;

/** Table, its time column, and for those under retention the rows the sweep must have taken before `?` (ms). */
const TENANT_TABLES: [string, string, string?][] = [
  ['outbox', 'created_at', 'dispatched_at < ? and not exists (select 1 from event_deliveries d where d.event_id = outbox.id)'],
  ['event_deliveries', 'updated_at', "status = 'delivered' and updated_at < ?"],
  ['inbound_webhook_replays', 'expires_at'], ['web_sessions', 'created_at'], ['interactions', 'created_at'],
];
const CONTROL_TABLES: [string, string, string?][] = [['plugin_logs', 'at', 'at < ?'], ['plugin_usage', 'hour * 3600000']];

/** Runs the soak on a fresh world and returns its report. */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => {});
  const windowSeconds = options.windowSeconds ?? 60;
  const warmupSeconds = options.warmupSeconds ?? Math.round(options.seconds / 2);
  const retentionSeconds = options.retentionSeconds ?? 120;
  const sweepSeconds = options.sweepSeconds ?? 30;
  const w = await prepareSoakWorld('soak', {
    coreEnv: {
      MOSAIC_EVENT_RETENTION_SECONDS: String(retentionSeconds),
      MOSAIC_PLUGIN_LOG_RETENTION_SECONDS: String(retentionSeconds),
      MOSAIC_RETENTION_SWEEP_SECONDS: String(sweepSeconds),
    },
    webhookAgeSeconds: options.webhookAgeSeconds,
  });
  // Rows past retention by more than a sweep interval (and a few seconds for the sweep itself) are overdue.
  const overdueBefore = () => Date.now() - (retentionSeconds + sweepSeconds + 5) * 1000;
  try {
    const before = await growingTables(w, overdueBefore());
    const rss: RssSample[] = [];
    const started = performance.now();
    const sample = () => rss.push({ atSeconds: Math.round((performance.now() - started) / 1000), ...memoryOf(w.core.pid), load: loadAverage() });
    sample();
    const sampler = setInterval(sample, 10_000);
    const load = startSoakLoad(w, { webhookAgeSeconds: options.webhookAgeSeconds });
    const progress = setInterval(() => log(`soak: ${Math.round((performance.now() - started) / 1000)} s, ${load.samples.length} requests, ${load.samples.filter((s) => s.error).length} errors, core ${rss.at(-1)!.coreMb} MB, worker ${rss.at(-1)!.workerMb} MB`), windowSeconds * 1000);
    await new Promise((r) => setTimeout(r, options.seconds * 1000));
    clearInterval(progress);
    await load.stop();
    const dbHandles = databaseHandles(w.core.pid);
    sample();
    clearInterval(sampler);
    const lastPush = await pushPruningSetupClaim(w, load.webhooks.lastSentAt, options.webhookAgeSeconds ?? 0);

    const undelivered = await waitFor('events delivered', 60_000, async () => {
      const [row] = await w.world.tenantRows(`select (select count(*) from outbox where dispatched_at is null) + (select count(*) from event_deliveries where status = 'pending') as pending,
        (select count(*) from event_deliveries where status = 'dead') as dead`);
      return Number(row!.pending) === 0 ? { pending: 0, dead: Number(row!.dead) } : undefined;
    }).catch(async () => {
      const [row] = await w.world.tenantRows(`select count(*) as pending from event_deliveries where status = 'pending'`);
      return { pending: Number(row!.pending), dead: -1 };
    });
    const after = await growingTables(w, overdueBefore());
    // The set-up's push, the load's, and the one that pruned the set-up's claim if the load ended too soon to.
    const accepted = 1 + load.webhooks.accepted + (lastPush === load.webhooks.lastSentAt ? 0 : 1);
    const [claims] = await w.world.tenantRows('select count(*) as n, sum(expires_at < ?) as expired from inbound_webhook_replays', [lastPush - CLAIM_GRACE_MS]);
    const claimsLeft = Number(claims!.n);
    return {
      ...latency(load.samples, windowSeconds),
      seconds: options.seconds,
      windowSeconds,
      warmupSeconds,
      rss,
      core: growth(rss, windowSeconds, warmupSeconds, (s) => s.coreMb),
      worker: growth(rss, windowSeconds, warmupSeconds, (s) => s.workerMb),
      webhooks: { accepted, claimsLeft, expiredLeft: Number(claims!.expired ?? 0), pruned: accepted - claimsLeft },
      tables: before.map((b, i) => ({ ...after[i]!, start: b.start })),
      retentionSeconds,
      sweepSeconds,
      dbHandles,
      undelivered,
    };
  } finally {
    await w.close();
  }
}

/**
 * A claim is pruned by a later push only once it is past expiry plus the grace, at least 60 s
 * after it was made. A short run's load may end before any of its claims gets there; then one
 * more push is sent once the set-up's claim (the oldest) is due. When the last push was sent.
 */
async function pushPruningSetupClaim(w: SoakWorld, lastSentAt: number, ageSeconds: number): Promise<number> {
  const due = w.setupPush.claimExpiresAt + CLAIM_GRACE_MS;
  if (lastSentAt >= due) return lastSentAt;
  await new Promise((r) => setTimeout(r, due - Date.now()));
  const sentAt = Date.now();
  const pushed = await pushCarrierUpdate(w.core.url, w.webhookPath, { eventId: 'evt_soak_prune', trackingNumber: w.parcels[0]!, ageSeconds });
  if ('error' in pushed) throw new Error(`the carrier push after the load: ${pushed.error}`);
  return sentAt;
}

/** What the soak requires: no errors, every event delivered, expired claims pruned, RSS growth within `maxRssGrowthPct`. */
export function soakProblems(r: SoakReport, limits: { maxRssGrowthPct: number }): string[] {
  const problems: string[] = [];
  if (r.errors) problems.push(`${r.errors} errors`);
  if (r.undelivered.pending || r.undelivered.dead) problems.push(`events not delivered: ${r.undelivered.pending} pending, ${r.undelivered.dead} dead`);
  if (r.webhooks.expiredLeft) problems.push(`${r.webhooks.expiredLeft} expired webhook replay claims not pruned`);
  for (const t of r.tables) if (t.overdue) problems.push(`${t.overdue} ${t.table} rows past retention not pruned`);
  if (r.core.pct > limits.maxRssGrowthPct) problems.push(`server RSS grew ${r.core.pct} % after warm-up`);
  if (r.worker.pct > limits.maxRssGrowthPct) problems.push(`sandbox worker RSS grew ${r.worker.pct} % after warm-up`);
  return problems;
}

/** The report as markdown. */
export function soakTable(r: SoakReport, problems: string[]): string {
  const first = r.windows[0]!;
  const last = r.windows.at(-1)!;
  const lines = [
    `## Soak: ${r.seconds} s of steady mixed load (${Math.round(r.requests / r.seconds)} req/s), windows of ${r.windowSeconds} s, memory warm-up ${r.warmupSeconds} s; machine load average ${round1(r.rss.reduce((sum, s) => sum + s.load, 0) / r.rss.length)} (max ${Math.max(...r.rss.map((s) => s.load))}) on ${availableParallelism()} cores`, '',
    '| requests | errors | p50 ms first / last window | p99 ms first / last window | server RSS MB first window → after warm-up → end (max), growth after warm-up | sandbox worker RSS MB first window → after warm-up → end (max), growth after warm-up | server handles on .db files | webhook replay claims pruned / expired left | result |',
    '|---|---|---|---|---|---|---|---|---|',
    `| ${r.requests} | ${r.errors} | ${first.p50} / ${last.p50} | ${first.p99} / ${last.p99} | ${r.core.firstWindowMb} → ${r.core.afterWarmupMb} → ${r.core.endMb} (${r.core.maxMb}), ${signed(r.core.pct)} % | ${r.worker.firstWindowMb} → ${r.worker.afterWarmupMb} → ${r.worker.endMb} (${r.worker.maxMb}), ${signed(r.worker.pct)} % | ${r.dbHandles} | ${r.webhooks.pruned} of ${r.webhooks.accepted} / ${r.webhooks.expiredLeft} | ${problems.length ? `FAIL: ${problems.join('; ')}` : 'ok'} |`,
    '', '| window from s | requests | errors | p50 ms | p99 ms | server RSS MB at its end | worker RSS MB at its end |', '|---|---|---|---|---|---|---|',
    ...r.windows.map((m) => {
      const end = rssAt(r.rss, m.from + r.windowSeconds);
      return `| ${m.from} | ${m.requests} | ${m.errors} | ${m.p50} | ${m.p99} | ${end.coreMb} | ${end.workerMb} |`;
    }),
    '', '| kind | requests | errors | p50 ms | p99 ms |', '|---|---|---|---|---|',
    ...r.kinds.map((k) => `| ${k.kind} | ${k.requests} | ${k.errors} | ${k.p50} | ${k.p99} |`),
    '', `| growing table | rows at start | rows at end | oldest row at end, s | rows past retention (${r.retentionSeconds} s) + a sweep (${r.sweepSeconds} s) left |`, '|---|---|---|---|---|',
    ...r.tables.map((t) => `| ${t.table} | ${t.start} | ${t.end} | ${t.oldestSeconds ?? '-'} | ${t.overdue ?? 'no retention'} |`),
  ];
  const reasons = Object.entries(r.errorReasons);
  if (reasons.length) lines.push('', 'errors:', ...reasons.slice(0, 20).map(([reason, n]) => `- ${n} × ${reason}`));
  return lines.join('\n');
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));
const round1 = (n: number) => Math.round(n * 10) / 10;

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
}

function latency(samples: Sample[], windowSeconds: number) {
  const stats = (xs: Sample[]) => {
    const ms = xs.filter((s) => !s.error).map((s) => s.ms).sort((a, b) => a - b);
    return { requests: xs.length, errors: xs.filter((s) => s.error).length, p50: percentile(ms, 50), p99: percentile(ms, 99) };
  };
  const groupBy = <K>(key: (s: Sample) => K) => {
    const groups = new Map<K, Sample[]>();
    for (const s of samples) {
      const k = key(s);
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k)!.push(s);
    }
    return groups;
  };
  const byWindow = groupBy((s) => Math.floor(s.at / 1000 / windowSeconds) * windowSeconds);
  const byKind = groupBy((s) => s.kind);
  const errorReasons: Record<string, number> = {};
  for (const s of samples) if (s.error) errorReasons[`${s.kind}: ${s.error}`] = (errorReasons[`${s.kind}: ${s.error}`] ?? 0) + 1;
  return {
    requests: samples.length,
    errors: samples.filter((s) => s.error).length,
    errorReasons,
    windows: [...byWindow].sort(([a], [b]) => a - b).map(([from, xs]) => ({ from, ...stats(xs) })),
    kinds: [...byKind].map(([kind, xs]) => ({ kind, ...stats(xs) })),
  };
}

/** RSS in MB of the server process and of its children (the sandbox workers), from /proc. */
function memoryOf(pid: number): { coreMb: number; workerMb: number } {
  const rssMb = (p: number) => {
    try {
      return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    } catch {
      return 0; // a worker that ended between the listing and the read
    }
  };
  return { coreMb: round1(rssMb(pid)), workerMb: round1(childPids(pid).reduce((sum, p) => sum + rssMb(p), 0)) };
}

/** Open file descriptors of `pid` on database files: each connection holds one. */
function databaseHandles(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).filter((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`).endsWith('.db');
    } catch {
      return false; // closed between the listing and the read
    }
  }).length;
}

const loadAverage = () => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);

/** The first sample at or after `seconds`, else the last. */
const rssAt = (rss: RssSample[], seconds: number): RssSample => rss.find((s) => s.atSeconds >= seconds) ?? rss.at(-1)!;

/** RSS at the first sample after the warm-up against the last sample. */
function growth(rss: RssSample[], windowSeconds: number, warmupSeconds: number, of: (s: RssSample) => number): Growth {
  const pct = (from: number, to: number) => (from ? round1(((to - from) / from) * 100) : 0);
  const afterWarmup = of(rssAt(rss, warmupSeconds));
  const end = of(rss.at(-1)!);
  return { firstWindowMb: of(rssAt(rss, windowSeconds)), afterWarmupMb: afterWarmup, endMb: end, maxMb: Math.max(...rss.map(of)), pct: pct(afterWarmup, end) };
}

async function growingTables(w: SoakWorld, overdueBefore: number): Promise<GrowingTable[]> {
  const now = Date.now();
  const row = (table: string, r: Record<string, unknown>): GrowingTable => ({
    table, start: Number(r.n), end: Number(r.n), oldestSeconds: r.oldest == null ? null : Math.round((now - Number(r.oldest)) / 1000),
    overdue: r.overdue === undefined ? null : Number(r.overdue ?? 0),
  });
  const overdue = (when?: string) => (when ? `, sum(${when}) as overdue` : '');
  const tenant = await Promise.all(TENANT_TABLES.map(async ([table, at, when]) =>
    row(table, (await w.world.tenantRows(`select count(*) as n, min(${at}) as oldest${overdue(when)} from ${table}`, when ? [overdueBefore] : []))[0]!)));
  const control = await Promise.all(CONTROL_TABLES.map(async ([table, at, when]) => {
    const rs = await w.world.platform.control.client.execute({
      sql: `select count(*) as n, min(${at}) as oldest${overdue(when)} from ${table} where tenant_id = ?`, args: [...(when ? [overdueBefore] : []), w.world.tenantId],
    });
    return row(table, rs.rows[0] as unknown as Record<string, unknown>);
  }));
  return [...tenant, ...control];
}
