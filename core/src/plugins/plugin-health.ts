import { and, desc, eq, gte, sql } from 'drizzle-orm';
import type { ControlDb } from '../db/control.js';
import { pluginLogs, pluginUsage } from '../db/control-schema.js';

/** One plugin's use in a tenant over a period, from the hourly metering rows and its error logs. */
export interface PluginHealth {
  hours: number;
  calls: number;
  failures: number;
  /** Failed calls that hit the wall-clock deadline (from the error log's codes). */
  timeouts: number;
  cpuMs: number;
  wallMs: number;
  /**
   * Median and 95th percentile of the hourly mean wall time per call: metering keeps sums per
   * hour, not every call, so this is the spread across hours. Null with no calls.
   */
  wallPerCallP50: number | null;
  wallPerCallP95: number | null;
}

/** The value below which `p` of the sorted values lie (nearest rank). */
function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/**
 * A plugin's health in one tenant over the last `hours` (call `metering.flush()` first to include
 * the last second's calls). Reads only that tenant's rows.
 */
export async function readPluginHealth(control: ControlDb, tenantId: string, pluginId: string, { hours = 24, now = Date.now() } = {}): Promise<PluginHealth> {
  const since = Math.floor(now / 3_600_000) - hours + 1;
  const [rows, [timeouts]] = await Promise.all([
    control.select().from(pluginUsage)
      .where(and(eq(pluginUsage.tenantId, tenantId), eq(pluginUsage.pluginId, pluginId), gte(pluginUsage.hour, since))),
    control.select({ n: sql<number>`count(*)` }).from(pluginLogs)
      .where(and(eq(pluginLogs.tenantId, tenantId), eq(pluginLogs.pluginId, pluginId), gte(pluginLogs.at, new Date(since * 3_600_000)),
        sql`json_extract(${pluginLogs.data}, '$.code') = 'PLUGIN_TIMEOUT'`)),
  ]);
  const perCall = rows.filter((r) => r.calls > 0).map((r) => r.wallMs / r.calls).sort((a, b) => a - b);
  const sum = (k: 'calls' | 'failures' | 'cpuMs' | 'wallMs') => rows.reduce((n, r) => n + r[k], 0);
  return {
    hours, calls: sum('calls'), failures: sum('failures'), timeouts: Number(timeouts?.n ?? 0), cpuMs: sum('cpuMs'), wallMs: sum('wallMs'),
    wallPerCallP50: percentile(perCall, 0.5), wallPerCallP95: percentile(perCall, 0.95),
  };
}

/** A plugin's latest log lines in one tenant, newest first (at most 500). */
export function recentPluginLogs(control: ControlDb, tenantId: string, pluginId: string, first = 50) {
  return control.select().from(pluginLogs)
    .where(and(eq(pluginLogs.tenantId, tenantId), eq(pluginLogs.pluginId, pluginId)))
    .orderBy(desc(pluginLogs.at)).limit(Math.min(Math.max(Math.trunc(first), 1), 500));
}
