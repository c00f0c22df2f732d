import type { ControlDb } from '../../db/control.js';
import type { TenantDatabases } from '../../db/tenant-db.js';
import { queueRouting } from '../../db/tenant-schema.js';
import type { Logger } from '../../lib/logger.js';
import type { TenantContext } from '../../tenancy/context.js';
import { listTenants } from '../../tenancy/tenants.js';
import { takeConfiguredTenants } from './activity.js';
import { sweepRouting } from './timers.js';

export interface RoutingSweeperOptions {
  control: ControlDb;
  tenants: TenantDatabases;
  logger: Logger;
  /** How often every tenant is checked for configured queues (ms). */
  rescanMs?: number;
}

/**
 * Runs `sweepRouting` for every tenant with a configured queue, on the server's periodic tick.
 * Which tenants route is re-read every `rescanMs`, so a queue configured through another process
 * is picked up too; one configured in this process is swept from the next tick.
 */
export class RoutingSweeper {
  readonly #options: RoutingSweeperOptions;
  readonly #routing = new Set<string>();
  #nextScan = 0;

  constructor(options: RoutingSweeperOptions) {
    this.#options = options;
  }

  /** One pass at `now`; never rejects (a failing tenant is logged and swept again next time). */
  async tick(now: Date): Promise<void> {
    const { control, tenants, logger } = this.#options;
    try {
      if (now.getTime() >= this.#nextScan) {
        this.#nextScan = now.getTime() + (this.#options.rescanMs ?? 60_000);
        for (const tenant of await listTenants(control)) {
          const data = await tenants.get(tenant.id);
          const [configured] = await data.db.select({ id: queueRouting.queueId }).from(queueRouting).limit(1);
          if (configured) this.#routing.add(tenant.id);
          else this.#routing.delete(tenant.id);
        }
      }
    } catch (err) {
      logger.error({ err }, 'routing sweep could not list tenants');
    }
    for (const tenantId of takeConfiguredTenants()) this.#routing.add(tenantId);
    for (const tenantId of this.#routing) {
      try {
        const ctx: TenantContext = { tenantId, tenantSlug: '', role: 'admin', actor: 'system:routing', data: await tenants.get(tenantId) };
        await sweepRouting(ctx, now);
      } catch (err) {
        logger.error({ err, tenantId }, 'routing sweep failed; the next tick retries');
      }
    }
  }
}
