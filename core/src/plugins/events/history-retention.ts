import { sql } from 'drizzle-orm';
import type { ControlDb } from '../../db/control.js';
import type { TenantDatabases } from '../../db/tenant-db.js';
import type { Logger } from '../../lib/logger.js';
import { listTenants } from '../../tenancy/tenants.js';

/** How long finished history is kept. */
export interface HistoryRetention {
  /** Delivered events: outbox rows fanned out this long ago with no delivery left to run or replay, and their delivered rows. */
  eventsMs: number;
  /** Plugin log lines. */
  pluginLogsMs: number;
}

export interface PrunedHistory {
  outbox: number;
  deliveries: number;
  pluginLogs: number;
}

/** Rows per delete statement: each is a short write, so a large backlog never holds the write lock for long. */
const CHUNK = 1_000;

/**
 * Deletes history past its retention, which otherwise grows with every request for as long as
 * the platform runs: delivered event deliveries, then outbox events with nothing left to deliver
 * (a pending or dead-lettered delivery keeps its event, so it can still run or be replayed), in
 * every tenant, and plugin log lines in the control plane. One failing tenant does not stop the rest.
 */
export async function pruneHistory(
  deps: { control: ControlDb; tenants: TenantDatabases; logger: Logger },
  now: Date,
  keep: HistoryRetention,
): Promise<PrunedHistory> {
  const pruned: PrunedHistory = { outbox: 0, deliveries: 0, pluginLogs: 0 };
  const eventsBefore = now.getTime() - keep.eventsMs;
  for (const tenant of await listTenants(deps.control)) {
    try {
      const data = await deps.tenants.get(tenant.id);
      pruned.deliveries += await deleteInChunks((limit) => data.write((tx) => tx.run(sql`delete from event_deliveries where rowid in (
        select rowid from event_deliveries where status = 'delivered' and updated_at < ${eventsBefore} limit ${limit})`)));
      pruned.outbox += await deleteInChunks((limit) => data.write((tx) => tx.run(sql`delete from outbox where id in (
        select o.id from outbox o where o.dispatched_at < ${eventsBefore}
          and not exists (select 1 from event_deliveries d where d.event_id = o.id) limit ${limit})`)));
    } catch (err) {
      deps.logger.error({ err, tenantId: tenant.id }, 'pruning event history failed for a tenant');
    }
  }
  const logsBefore = now.getTime() - keep.pluginLogsMs;
  pruned.pluginLogs = await deleteInChunks((limit) => deps.control.run(sql`delete from plugin_logs where rowid in (
    select rowid from plugin_logs where at < ${logsBefore} limit ${limit})`));
  return pruned;
}

async function deleteInChunks(step: (limit: number) => Promise<{ rowsAffected: number }>): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowsAffected } = await step(CHUNK);
    total += rowsAffected;
    if (rowsAffected < CHUNK) return total;
  }
}
