/**
 * `npm run reliability`: the long fault rounds `npm test` runs once — ten kill -9 rounds
 * embedded and ten on sqld (waiting out the leases of deliveries a kill interrupted), and sqld
 * restarted five times under load — and the bounded soak (MOSAIC_SOAK_SECONDS, default 600, of
 * steady mixed load), printed as markdown tables. Exits 1 if any invariant broke.
 * `npm run reliability -- soak` (or `-- faults`) runs one part.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoreProcess } from '../core-process.js';
import { startSqld } from '../sqld-server.js';
import { prepareFaultWorld, type FaultWorld } from './fault-world.js';
import { killRoundsProblems, runKillRounds, type KillRoundsReport } from './kill-rounds.js';
import { runSoak, soakProblems, soakTable } from './soak.js';
import { runSqldRestart, sqldRestartProblems, type SqldRestartReport } from './sqld-restart.js';

const PARTS = ['faults', 'soak'] as const;
const chosen = process.argv.slice(2);
const SOAK_SECONDS = Number(process.env.MOSAIC_SOAK_SECONDS ?? 600);
/** The issue's bound on memory growth after the warm-up. */
const SOAK_MAX_RSS_GROWTH_PCT = 10;
const KILL_ROUNDS = Number(process.env.RELIABILITY_KILL_ROUNDS ?? 10);
const SQLD_RESTARTS = Number(process.env.RELIABILITY_SQLD_RESTARTS ?? 5);

const log = (line: string) => process.stderr.write(`${line}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Kill rounds on a fresh world on `dbEnv`; then `more` (if given) with the world and its last core. */
async function killRun(
  label: string, dbEnv: Record<string, string>, slug: string,
  more?: (world: FaultWorld, core: CoreProcess) => Promise<void>,
): Promise<KillRoundsReport> {
  const { world, core } = await prepareFaultWorld(dbEnv, slug);
  let last = core;
  try {
    const run = await runKillRounds(world, core, {
      rounds: KILL_ROUNDS, killAfterMs: [200, 2000], awaitLeases: true,
      onRound: (round, after) => log(`${label}: round ${round}/${KILL_ROUNDS} killed after ${after} ms`),
    });
    last = run.core;
    await more?.(world, last);
    return run.report;
  } finally {
    await last.stop();
    await world.close();
  }
}

async function main(): Promise<number> {
  const unknown = chosen.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length) throw new Error(`unknown part ${unknown.join(', ')}; the parts: ${PARTS.join(', ')}`);
  const runs = (part: (typeof PARTS)[number]) => chosen.length === 0 || chosen.includes(part);
  let failed = false;
  if (runs('faults')) failed = (await faultRounds()) || failed;
  if (runs('soak')) failed = (await soak()) || failed;
  return failed ? 1 : 0;
}

/** The soak, printed; true if it failed. */
async function soak(): Promise<boolean> {
  const report = await runSoak({ seconds: SOAK_SECONDS, log });
  const problems = soakProblems(report, { maxRssGrowthPct: SOAK_MAX_RSS_GROWTH_PCT });
  process.stdout.write(`${soakTable(report, problems)}\n`);
  return problems.length > 0;
}

/** The kill and sqld restart rounds, printed; true if an invariant broke. */
async function faultRounds(): Promise<boolean> {
  const started = performance.now();
  const kills: [string, KillRoundsReport][] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'mosaic-reliability-'));
  try {
    kills.push(['embedded', await killRun('embedded', { MOSAIC_DATA_DIR: dataDir }, 'reliability-embedded')]);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const sqld = await startSqld();
  const restarts: SqldRestartReport[] = [];
  try {
    // The restarts run on the world the kill rounds left behind (one publisher per server).
    kills.push(['sqld', await killRun('sqld', sqld.env, 'reliability-sqld', async (world, core) => {
      for (let i = 1; i <= SQLD_RESTARTS; i++) {
        restarts.push(await runSqldRestart(world, core, sqld, { upMs: 1000, downMs: 2000, settleMs: 500, tag: `restart${i}`, freshKey: await world.freshKey() }));
        log(`sqld restart ${i}/${SQLD_RESTARTS}: recovered after ${restarts.at(-1)!.recoveryMs} ms`);
      }
    })]);
  } finally {
    await sqld.stop();
  }

  const lines: string[] = [];
  lines.push(`## kill -9 during writes (${KILL_ROUNDS} rounds each)`, '');
  lines.push('| database | acknowledged rows / customers / storage keys | lost | duplicated | half-applied | events delivered | redelivered after a kill | acted on twice | restart to /healthz ms (median / max) | result |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const [label, r] of kills) {
    const problems = killRoundsProblems(r, { leasesAwaited: true });
    lines.push(`| ${label} | ${r.acknowledged.rows} / ${r.acknowledged.customers} / ${r.acknowledged.storageKeys} | ${r.lost.rows + r.lost.customers + r.lost.storageKeys} | ${r.duplicated.rows + r.duplicated.customers} | ${r.halfApplied} | ${r.delivered} of ${r.events} | ${r.redelivered} | ${r.actedOnTwice} | ${median(r.restartMs)} / ${Math.max(...r.restartMs)} | ${problems.length ? `FAIL: ${problems.join('; ')}` : 'ok'} |`);
  }
  lines.push('', `## sqld killed for 2 s under load (${SQLD_RESTARTS} times)`, '');
  lines.push('| # | requests | failures (code/status) | not retryable | recovery ms after sqld is back | failed after recovery | acknowledged creations | lost | half-applied | committed though refused | result |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|');
  restarts.forEach((r, i) => {
    const problems = sqldRestartProblems(r);
    const failures = Object.entries(r.failures).map(([k, n]) => `${k} ×${n}`).join(', ') || 'none';
    lines.push(`| ${i + 1} | ${r.requests} | ${failures} | ${r.notRetryable} | ${r.recoveryMs} | ${r.failedAfterRecovery} | ${r.acknowledged} | ${r.lost} | ${r.halfApplied} | ${r.committedThoughRefused} | ${problems.length ? `FAIL: ${problems.join('; ')}` : 'ok'} |`);
  });
  lines.push('', `recovery ms median ${median(restarts.map((r) => r.recoveryMs))}, max ${Math.max(...restarts.map((r) => r.recoveryMs))}; took ${Math.round((performance.now() - started) / 1000)} s`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return kills.some(([, r]) => killRoundsProblems(r, { leasesAwaited: true }).length > 0) || restarts.some((r) => sqldRestartProblems(r).length > 0);
}

main().then((code) => process.exit(code), (err: unknown) => {
  log(String((err as Error)?.stack ?? err));
  process.exit(1);
});
