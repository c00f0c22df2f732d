/** sqld killed and restarted under load: coded retryable errors while it is down, recovery without help, nothing half-applied. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreProcess } from '../core-process.js';
import { startSqld, type SqldServer } from '../sqld-server.js';
import { prepareFaultWorld, type FaultWorld } from './fault-world.js';
import { runSqldRestart, sqldRestartProblems } from './sqld-restart.js';

describe('the libsql server restarted under load', () => {
  let sqld: SqldServer;
  let world: FaultWorld;
  let core: CoreProcess;
  beforeAll(async () => {
    sqld = await startSqld();
    ({ world, core } = await prepareFaultWorld(sqld.env, 'sqld-restart'));
  });
  afterAll(async () => {
    await core?.stop();
    await world?.close();
    await sqld?.stop();
  });

  it('requests, imports and a key not yet verified fail with DATABASE_UNAVAILABLE (503, Retry-After) while it is down and succeed again by themselves; no write half-applied', async () => {
    const report = await runSqldRestart(world, core, sqld, { upMs: 800, downMs: 1500, settleMs: 500, tag: 'once', freshKey: await world.freshKey() });
    expect(sqldRestartProblems(report), JSON.stringify(report)).toEqual([]);
    expect(report.recoveryMs, JSON.stringify(report)).toBeLessThan(5_000);
  });
});
