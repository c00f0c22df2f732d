/**
 * kill -9 during imports, customer creations (outbox events) and plugin storage writes, embedded
 * and on sqld: two rounds each here; `npm run reliability` runs ten of each.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSqld, type SqldServer } from '../sqld-server.js';
import type { CoreProcess } from '../core-process.js';
import { prepareFaultWorld } from './fault-world.js';
import { killRoundsProblems, runKillRounds, type KillRoundsReport } from './kill-rounds.js';

/** What must hold after any number of kills, deliveries a kill interrupted included (they wait out one lease). */
function expectNothingLost(report: KillRoundsReport): void {
  process.stdout.write(`kill rounds: ${report.leasedAtRestart} deliveries leased by the killed process; every event delivered ${report.allDeliveredMs} ms after the restart\n`);
  expect(killRoundsProblems(report, { leasesAwaited: true }), JSON.stringify(report)).toEqual([]);
}

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function twoRounds(dbEnv: Record<string, string>, slug: string): Promise<KillRoundsReport> {
  const { world, core } = await prepareFaultWorld(dbEnv, slug);
  let last: CoreProcess = core;
  cleanups.push(() => last.stop(), () => world.close());
  const { report, core: restarted } = await runKillRounds(world, core, { rounds: 2, killAfterMs: [300, 1200], awaitLeases: true });
  last = restarted;
  return report;
}

describe('a core process killed with SIGKILL while it takes writes', () => {
  it('embedded: every acknowledged write is there once, every event reaches the plugin, which acts once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mosaic-kill-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    expectNothingLost(await twoRounds({ MOSAIC_DATA_DIR: dataDir }, 'kill-embedded'));
  }, 150_000);

  it('on sqld: the same', async () => {
    const sqld: SqldServer = await startSqld();
    cleanups.push(() => sqld.stop());
    expectNothingLost(await twoRounds(sqld.env, 'kill-sqld'));
  }, 150_000);
});
