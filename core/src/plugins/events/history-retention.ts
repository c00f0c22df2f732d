import { sql } from 'drizzle-orm';
import type { ControlDb } from '../../db/control.js';
import type { TenantDatabases } from '../../db/tenant-db.js';
import type { Logger } from '../../lib/logger.js';
import { pluginLogs, pluginUsage } from '../../db/control-schema.js';
import { deleteInChunks, deleteSome } from '../../db/delete-in-chunks.js';
import { eventDeliveries } from '../../db/tenant-schema.js';
import { listTenants } from '../../tenancy/tenants.js';
import { DEFAULT_SESSION_LIFETIMES, pruneWebSessions, type SessionLifetimes } from '../../tenancy/web-sessions.js';

/** How long finished history is kept. */
export interface HistoryRetention {
  /** Delivered events: outbox rows fanned out this long ago with no delivery left to run or replay, and their delivered rows. */
  eventsMs: number;
  /** Plugin log lines. */
  pluginLogsMs: number;
  /** Plugin usage (a row per tenant, plugin and hour, shown on the admin pages); without it, kept for ever. */
  pluginUsageMs?: number;
  /** Web sessions past these lifetimes are deleted (default `DEFAULT_SESSION_LIFETIMES`). */
  sessionLifetimes?: SessionLifetimes;
}

export interface PrunedHistory {
  outbox: number;
  deliveries: number;
  pluginLogs: number;
  pluginUsage: number;
  webSessions: number;
}

/**
 * Deletes history past its retention, which otherwise grows with every request for as long as
 * the platform runs: delivered event deliveries, then outbox events with nothing left to deliver
 * (a pending or dead-lettered delivery keeps its event, so it can still run or be replayed) and
 * ended web sessions, in every tenant; plugin log lines and hourly plugin usage in the control
 * plane. One failing tenant does not stop the rest.
 */
export async function pruneHistory(
  deps: { control: ControlDb; tenants: TenantDatabases; logger: Logger },
  now: Date,
  keep: HistoryRetention,
): Promise<PrunedHistory> {
  const pruned: PrunedHistory = { outbox: 0, deliveries: 0, pluginLogs: 0, pluginUsage: 0, webSessions: 0 };
  const eventsBefore = now.getTime() - keep.eventsMs;
  for (const tenant of await listTenants(deps.control)) {
    try {
      const data = await deps.tenants.get(tenant.id);
      const delivered = deleteSome(eventDeliveries, sql`status = 'delivered' and updated_at < ${eventsBefore}`);
      pruned.deliveries += await deleteInChunks((limit) => data.write((tx) => tx.run(delivered(limit))));
      pruned.outbox += await deleteInChunks((limit) => data.write((tx) => tx.run(sql`delete from outbox where id in (
        select o.id from outbox o where o.dispatched_at < ${eventsBefore}
          and not exists (select 1 from event_deliveries d where d.event_id = o.id) limit ${limit})`)));
      pruned.webSessions += await pruneWebSessions(data, keep.sessionLifetimes ?? DEFAULT_SESSION_LIFETIMES, now);
    } catch (err) {
      deps.logger.error({ err, tenantId: tenant.id }, 'pruning event history failed for a tenant');
    }
  }
  const logsBefore = now.getTime() - keep.pluginLogsMs;
  const oldLogs = deleteSome(pluginLogs, sql`at < ${logsBefore}`);
  pruned.pluginLogs = await deleteInChunks((limit) => deps.control.run(oldLogs(limit)));
  if (keep.pluginUsageMs !== undefined) {
    // `hour` counts hours since the epoch; an hour is kept while any of it is within retention.
    const usageBefore = Math.floor((now.getTime() - keep.pluginUsageMs) / 3_600_000);
    const oldUsage = deleteSome(pluginUsage, sql`hour < ${usageBefore}`);
    pruned.pluginUsage = await deleteInChunks((limit) => deps.control.run(oldUsage(limit)));
  }
  return pruned;
}
