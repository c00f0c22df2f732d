/**
 * The bounded soak, short (`npm run reliability -- soak` runs the 10-minute one): 42 s of steady
 * mixed load on `mosaic serve` with both first-party plugins, with no error, every event
 * delivered, delivered events, plugin logs and expired webhook replay claims pruned on schedule
 * while the load runs, and memory within a loose bound (a short run's RSS is noisy and still
 * warming up; the long run holds it to 10 %).
 */
import { describe, expect, it } from 'vitest';
import { runSoak, soakProblems, soakTable } from './soak.js';

const SECONDS = 42;
/** Events and plugin logs kept 15 s, swept every 5 s: the load runs through more than two retention periods. */
const RETENTION_SECONDS = 15;
const SWEEP_SECONDS = 5;

describe('the bounded soak, short', () => {
  it(`${SECONDS} s of mixed load: no errors, events delivered, history pruned on schedule, memory bounded`, async () => {
    // Carrier signatures 298 s old expire 2 s after they are sent; a claim is pruned by a push
    // made more than the 60 s grace after that: the set-up's claim, by the last push.
    const report = await runSoak({ seconds: SECONDS, windowSeconds: 14, retentionSeconds: RETENTION_SECONDS, sweepSeconds: SWEEP_SECONDS, webhookAgeSeconds: 298 });
    const table = soakTable(report, soakProblems(report, { maxRssGrowthPct: 50 }));

    expect(report.errorReasons, table).toEqual({});
    expect(report.requests, table).toBeGreaterThan(SECONDS * 15);
    expect(report.undelivered, table).toEqual({ pending: 0, dead: 0 });
    expect(report.webhooks.accepted, table).toBeGreaterThan(SECONDS);
    expect(report.webhooks.expiredLeft, table).toBe(0);
    expect(report.webhooks.pruned, table).toBeGreaterThan(0);
    const pruned = Object.fromEntries(report.tables.filter((t) => t.overdue !== null).map((t) => [t.table, t]));
    for (const name of ['outbox', 'event_deliveries', 'plugin_logs']) {
      expect(pruned[name]?.overdue, `${name}\n${table}`).toBe(0);
      // Rows written during set-up and the first retention periods are gone: nothing is older than retention + a sweep.
      expect(pruned[name]!.oldestSeconds ?? 0, `${name}\n${table}`).toBeLessThanOrEqual(RETENTION_SECONDS + SWEEP_SECONDS + 10);
    }
    // A connection per database (control, tenant) and one for writing to each; libsql's file
    // client used to leave one behind per write transaction, hundreds in a run like this.
    expect(report.dbHandles, table).toBeLessThanOrEqual(6);
    expect(report.core.pct, table).toBeLessThan(50);
    expect(report.worker.pct, table).toBeLessThan(50);
  }, 300_000);
});
