import type { TenantDb, TenantTx } from '../../db/tenant-db.js';
import { outbox } from '../../db/tenant-schema.js';
import type { TenantContext } from '../../tenancy/context.js';

type OutboxRow = typeof outbox.$inferInsert;

/**
 * The TenantContext a plugin acts under: agent rights (it may change customer-service data, never
 * workforce or configuration), attributed to `plugin:<pluginId>`.
 *
 * The outbox has no actor column yet, so every event written in the plugin's transactions gets
 * `actor` in its payload, inside the same transaction; the domain functions run unchanged. Once
 * emitEvent records `ctx.actor` itself, `data` here becomes the tenant's own.
 */
export function actingTenant(tenant: TenantContext, pluginId: string): TenantContext {
  const actor = `plugin:${pluginId}`;
  const data: TenantDb = {
    name: tenant.data.name,
    db: tenant.data.db,
    client: tenant.data.client,
    write: (fn) => tenant.data.write((tx) => fn(stampingActor(tx, actor))),
  };
  return { tenantId: tenant.tenantId, tenantSlug: tenant.tenantSlug, role: 'agent', actor, data };
}

/** `tx`, except that rows inserted into the outbox carry `payload.actor`. */
function stampingActor(tx: TenantTx, actor: string): TenantTx {
  const stamp = (row: OutboxRow): OutboxRow => ({ ...row, payload: { ...(row.payload as Record<string, unknown>), actor } });
  const insert = (table: Parameters<TenantTx['insert']>[0]) => {
    const builder = tx.insert(table);
    if (table !== outbox) return builder;
    return new Proxy(builder, {
      get: (target, property) =>
        property === 'values'
          ? (rows: OutboxRow | OutboxRow[]) => target.values(Array.isArray(rows) ? rows.map(stamp) : stamp(rows))
          : bound(target, property),
    });
  };
  return new Proxy(tx, { get: (target, property) => (property === 'insert' ? insert : bound(target, property)) });
}

/** A property read with methods bound to the real object, so drizzle never sees the proxy as `this`. */
function bound(target: object, property: string | symbol): unknown {
  const value: unknown = Reflect.get(target, property, target);
  return typeof value === 'function' ? value.bind(target) : value;
}
