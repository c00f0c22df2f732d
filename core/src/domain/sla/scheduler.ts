import type { ControlDb } from '../../db/control.js';
import type { TenantDatabases } from '../../db/tenant-db.js';
import type { Logger } from '../../lib/logger.js';
import type { TenantContext } from '../../tenancy/context.js';
import { listTenants } from '../../tenancy/tenants.js';
import { sendDueReplies } from '../agent-tools/scheduled-replies.js';
import { SLA_ACTOR, slaTick } from './sweep.js';

/** Who sends scheduled replies, as recorded on their events. */
const SCHEDULED_REPLY_ACTOR = 'system:scheduled-replies';

export interface SlaSweepOptions {
  control: ControlDb;
  tenants: TenantDatabases;
  logger: Logger;
  /** How often every tenant is swept; "breaching soon" and "breached" are announced this late at most. */
  intervalMs?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  clock?: () => number;
}

/** A running periodic SLA sweep. */
export interface SlaSweeps {
  /** Sweeps every tenant once now (also what the timer does). */
  sweepAll(): Promise<void>;
  /** Stops the timer and waits for a sweep in flight. */
  stop(): Promise<void>;
}

/**
 * Sweeps every tenant's SLA clocks periodically (`slaTick`), one tenant after another, never two
 * sweeps at once in this process. Other processes may sweep too: each announcement is claimed
 * by a conditional update, so it happens once.
 */
export function startSlaSweeps(options: SlaSweepOptions): SlaSweeps {
  const clock = options.clock ?? Date.now;
  let running: Promise<void> | undefined;
  const sweepAll = (): Promise<void> => {
    running ??= (async () => {
      for (const tenant of await listTenants(options.control)) {
        try {
          const data = await options.tenants.get(tenant.id);
          const ctx: TenantContext = { tenantId: tenant.id, tenantSlug: tenant.slug, role: 'admin', actor: SLA_ACTOR, data };
          await slaTick(ctx, new Date(clock()));
        } catch (err) {
          options.logger.error({ err, tenantId: tenant.id }, 'SLA sweep failed; the next one retries');
        }
        // The same periodic pass sends the tenant's scheduled replies that fell due.
        try {
          const data = await options.tenants.get(tenant.id);
          await sendDueReplies({ tenantId: tenant.id, tenantSlug: tenant.slug, role: 'admin', actor: SCHEDULED_REPLY_ACTOR, data }, new Date(clock()));
        } catch (err) {
          options.logger.error({ err, tenantId: tenant.id }, 'sending scheduled replies failed; the next sweep retries');
        }
      }
    })().catch((err: unknown) => options.logger.error({ err }, 'SLA sweep could not list tenants'))
      .finally(() => { running = undefined; });
    return running;
  };
  const timer = setInterval(() => void sweepAll(), options.intervalMs ?? 30_000);
  timer.unref();
  return {
    sweepAll,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
