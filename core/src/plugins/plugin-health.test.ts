import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openControlPlane, type ControlPlane } from '../db/control.js';
import { pluginLogs, pluginUsage } from '../db/control-schema.js';
import { readPluginHealth, recentPluginLogs } from './plugin-health.js';

const HOUR = 3_600_000;
const now = Date.UTC(2026, 2, 1, 12, 30);
const hourOf = (hoursAgo: number) => Math.floor(now / HOUR) - hoursAgo;

let dir: string;
let control: ControlPlane;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mosaic-health-'));
  control = await openControlPlane({ kind: 'embedded', dataDir: dir });
  const usage = (tenantId: string, hoursAgo: number, calls: number, failures: number, wallMs: number) =>
    ({ tenantId, pluginId: 'acme.board', hour: hourOf(hoursAgo), calls, failures, cpuMs: calls, wallMs, fetches: 0, fetchBytes: 0 });
  await control.db.insert(pluginUsage).values([
    usage('t1', 0, 10, 1, 100), // 10 ms a call
    usage('t1', 1, 4, 0, 80), // 20 ms
    usage('t1', 2, 2, 2, 200), // 100 ms
    usage('t1', 30, 50, 50, 50_000), // outside the last 24 hours
    usage('t2', 0, 999, 999, 999_999), // another tenant
  ]);
  const log = (tenantId: string, minutesAgo: number, code: string | null, message = 'x') =>
    ({ id: `${tenantId}-${minutesAgo}`, tenantId, pluginId: 'acme.board', level: code ? 'error' : 'info', message, data: code && { code }, at: new Date(now - minutesAgo * 60_000) });
  await control.db.insert(pluginLogs).values([
    log('t1', 5, 'PLUGIN_TIMEOUT'), log('t1', 50, 'PLUGIN_TIMEOUT'), log('t1', 70, 'PLUGIN_FAILED'), log('t1', 80, null, 'hello'),
    log('t1', 60 * 30, 'PLUGIN_TIMEOUT'), log('t2', 5, 'PLUGIN_TIMEOUT'),
  ]);
});
afterAll(() => {
  control?.client.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('readPluginHealth', () => {
  it('sums the last hours of one tenant, counts timeouts from the error codes, spreads the hourly wall time per call', async () => {
    expect(await readPluginHealth(control.db, 't1', 'acme.board', { hours: 24, now })).toEqual({
      hours: 24, calls: 16, failures: 3, timeouts: 2, cpuMs: 16, wallMs: 380, wallPerCallP50: 20, wallPerCallP95: 100,
    });
  });

  it('answers zeros and no percentile for a plugin without calls', async () => {
    expect(await readPluginHealth(control.db, 't3', 'acme.board', { now })).toMatchObject({ calls: 0, timeouts: 0, wallPerCallP50: null, wallPerCallP95: null });
  });
});

describe('recentPluginLogs', () => {
  it('lists one tenant\'s lines, newest first, within the cap', async () => {
    const lines = await recentPluginLogs(control.db, 't1', 'acme.board', 3);
    expect(lines.map((l) => l.id)).toEqual(['t1-5', 't1-50', 't1-70']);
    expect((await recentPluginLogs(control.db, 't1', 'acme.board', 10_000)).every((l) => l.tenantId === 't1')).toBe(true);
  });
});
