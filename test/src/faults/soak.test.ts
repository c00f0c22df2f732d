/**
 * The bounded soak, short (`npm run reliability -- soak` runs the 10-minute one): 75 s of steady
 * mixed load on `mosaic serve` with both first-party plugins, with no error, every event
 * delivered, delivered events, plugin logs and expired webhook replay claims pruned on schedule
 * while the load runs, and memory within a loose bound (a short run's RSS is noisy; the long
 * run holds it to 10 %).
 */
import { describe, expect, it } from 'vitest';
import { runSoak, soakProblems, soakTable } from './soak.js';

describe('the bounded soak, short', () => {
  it('75 s of mixed load: no errors, events delivered, history pruned on schedule, memory bounded', async () => {
    // Events and plugin logs kept 20 s, swept every 10 s. Carrier signatures 295 s old expire 5 s
    // after they are sent: claims older than that plus the 60 s grace are pruned by later claims.
    const report = await runSoak({ seconds: 75, windowSeconds: 25, retentionSeconds: 20, sweepSeconds: 10, webhookAgeSeconds: 295 });
    const table = soakTable(report, soakProblems(report, { maxRssGrowthPct: 50 }));

    expect(report.errorReasons, table).toEqual({});
    expect(report.requests, table).toBeGreaterThan(75 * 15);
    expect(report.undelivered, table).toEqual({ pending: 0, dead: 0 });
    expect(report.webhooks.accepted, table).toBeGreaterThan(100);
    expect(report.webhooks.expiredLeft, table).toBe(0);
    expect(report.webhooks.pruned, table).toBeGreaterThan(0);
    const pruned = Object.fromEntries(report.tables.filter((t) => t.overdue !== null).map((t) => [t.table, t]));
    for (const name of ['outbox', 'event_deliveries', 'plugin_logs']) {
      expect(pruned[name]?.overdue, `${name}\n${table}`).toBe(0);
      // Rows written during set-up and the first minute are gone: nothing is older than retention + a sweep.
      expect(pruned[name]!.oldestSeconds ?? 0, `${name}\n${table}`).toBeLessThanOrEqual(20 + 10 + 10);
    }
    // A connection per database (control, tenant) and one for writing to each; libsql's file
    // client used to leave one behind per write transaction, hundreds in a run like this.
    expect(report.dbHandles, table).toBeLessThanOrEqual(6);
    expect(report.core.pct, table).toBeLessThan(50);
    expect(report.worker.pct, table).toBeLessThan(50);
  }, 300_000);
});
