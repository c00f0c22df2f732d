import { and, eq, exists, lt, sql } from 'drizzle-orm';
import type { ControlDb } from '../../db/control.js';
import { installations, installationSecrets } from '../../db/control-schema.js';
import type { TenantDatabases } from '../../db/tenant-db.js';
import { eventDeliveries, pluginStorage } from '../../db/tenant-schema.js';
import type { Logger } from '../../lib/logger.js';
import { recordAudit } from '../../tenancy/audit.js';

export interface PurgedInstallation {
  tenantId: string;
  pluginId: string;
  installationId: string;
  deletedKeys: number;
}

const expired = (now: Date) => and(eq(installations.status, 'uninstalled'), lt(installations.retainDataUntil, now));

/**
 * Deletes what uninstalled plugins left behind once their retention has run out: their storage
 * and deliveries in the tenant's database, then their installation row and secrets in the
 * control plane. Tenant data goes first so a crash in between is repaired by the next sweep
 * (the installation row still points at it); the control-plane deletes re-check the row, so a
 * plugin reinstalled meanwhile keeps its installation and secrets. One failing tenant does not stop the rest.
 */
export async function sweepRetention(
  deps: { control: ControlDb; tenants: TenantDatabases; logger: Logger },
  now: Date,
): Promise<PurgedInstallation[]> {
  const { control, tenants, logger } = deps;
  const due = await control.select().from(installations).where(expired(now));
  const purged: PurgedInstallation[] = [];
  for (const row of due) {
    try {
      const data = await tenants.get(row.tenantId);
      const deletedKeys = await data.write(async (tx) => {
        const storage = await tx.delete(pluginStorage).where(eq(pluginStorage.pluginId, row.pluginId));
        await tx.delete(eventDeliveries).where(eq(eventDeliveries.pluginId, row.pluginId));
        return storage.rowsAffected;
      });
      // One batch is one transaction that never yields to the event loop, so it cannot stall
      // behind this process's other control-plane writes; both deletes re-check the row.
      const stillExpired = and(eq(installations.id, row.id), expired(now));
      const [, gone] = await control.batch([
        control.delete(installationSecrets).where(and(
          eq(installationSecrets.installationId, row.id),
          exists(control.select({ one: sql`1` }).from(installations).where(stillExpired)),
        )),
        control.delete(installations).where(stillExpired),
      ]);
      if (gone.rowsAffected !== 1) continue; // reinstalled meanwhile
      await recordAudit(control, {
        tenantId: row.tenantId, actor: 'system', action: 'plugin.purge', target: row.pluginId, detail: { deletedKeys, reason: 'retention' },
      });
      purged.push({ tenantId: row.tenantId, pluginId: row.pluginId, installationId: row.id, deletedKeys });
    } catch (err) {
      logger.error({ err, tenantId: row.tenantId, pluginId: row.pluginId }, 'retention sweep failed for an installation');
    }
  }
  return purged;
}
