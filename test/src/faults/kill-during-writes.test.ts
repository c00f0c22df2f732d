/**
 * kill -9 during imports, customer creations (outbox events) and plugin storage writes, embedded
 * and on sqld: one round each here; `npm run reliability` runs ten of each.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSqld, type SqldServer } from '../sqld-server.js';
import type { CoreProcess } from '../core-process.js';
import { prepareFaultWorld, type FaultWorld } from './fault-world.js';
import { runKillRounds, type KillRoundsReport } from './kill-rounds.js';

/** What must hold after any number of kills. */
export function expectNothingLost(report: KillRoundsReport): void {
  const summary = JSON.stringify(report);
  expect(report.acknowledged.rows, summary).toBeGreaterThan(0);
  expect(report.acknowledged.customers, summary).toBeGreaterThan(0);
  expect(report.acknowledged.storageKeys, summary).toBeGreaterThan(0);
  expect(report.lost, summary).toEqual({ rows: 0, customers: 0, storageKeys: 0 });
  expect(report.duplicated, summary).toEqual({ rows: 0, customers: 0 });
  expect(report.halfApplied, summary).toBe(0);
  expect(report.refused, summary).toEqual({});
  expect(report.events, summary).toBeGreaterThanOrEqual(report.acknowledged.customers);
  expect(report.delivered + report.leasedWhenKilled, summary).toBe(report.events);
  expect(report.actedOnTwice, summary).toBe(0);
  expect(report.notActedOn, summary).toBe(0);
}

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function oneRound(dbEnv: Record<string, string>, slug: string): Promise<KillRoundsReport> {
  const { world, core } = await prepareFaultWorld(dbEnv, slug);
  let last: CoreProcess = core;
  cleanups.push(() => last.stop(), () => world.close());
  const { report, core: restarted } = await runKillRounds(world as FaultWorld, core, { rounds: 1, killAfterMs: [300, 1200], awaitLeases: false });
  last = restarted;
  return report;
}

describe('a core process killed with SIGKILL while it takes writes', () => {
  it('embedded: every acknowledged write is there once, every event reaches the plugin, which acts once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mosaic-kill-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    expectNothingLost(await oneRound({ MOSAIC_DATA_DIR: dataDir }, 'kill-embedded'));
  });

  it('on sqld: the same', async () => {
    const sqld: SqldServer = await startSqld();
    cleanups.push(() => sqld.stop());
    expectNothingLost(await oneRound(sqld.env, 'kill-sqld'));
  });
});
