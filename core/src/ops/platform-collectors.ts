import { inArray } from 'drizzle-orm';
import { Counter, Gauge, type Registry } from 'prom-client';
import { installations } from '../db/control-schema.js';
import type { TenantDb } from '../db/tenant-db.js';
import { listTenants } from '../tenancy/tenants.js';
import type { Platform } from '../platform.js';

/** Tenants whose outbox is read per scrape; past it the rest are left out of the outbox gauges. */
const MAX_TENANTS_PER_SCRAPE = 1_000;
const TENANT_CONCURRENCY = 4;

interface OutboxState {
  /** Epoch ms of the oldest event not yet fanned out, or null. */
  undispatched: number | null;
  /** Epoch ms of the oldest delivery due but not yet made, or null. */
  overdue: number | null;
  retrying: number;
  dead: number;
}

async function outboxState(data: TenantDb, now: number): Promise<OutboxState> {
  const result = await data.client.execute({
    sql: `select
      (select min(created_at) from outbox where dispatched_at is null) as undispatched,
      (select min(next_attempt_at) from event_deliveries where status = 'pending' and next_attempt_at <= ?) as overdue,
      (select count(*) from event_deliveries where status = 'pending' and attempts > 0) as retrying,
      (select count(*) from event_deliveries where status = 'dead') as dead`,
    args: [now],
  });
  const row = result.rows[0]!;
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return { undispatched: num(row.undispatched), overdue: num(row.overdue), retrying: Number(row.retrying), dead: Number(row.dead) };
}

/**
 * Metrics read from the platform when Prometheus scrapes (prom-client `collect`), from state the
 * platform keeps anyway: the sandbox's call counts and worker replacements, the breakers, and
 * each tenant's outbox and deliveries in its database. Nothing is counted twice on the hot path.
 */
/** The labels of one sandbox call count, the same on its count and on its time. */
const callLabels = (c: { tenantId: string; pluginId: string; kind: string; outcome: string }) =>
  ({ tenant: c.tenantId, plugin: c.pluginId, kind: c.kind, outcome: c.outcome });

export function registerPlatformCollectors(registry: Registry, platform: Platform): void {
  const registers = [registry];
  const { sandbox, runtime } = platform.plugins;

  new Counter({
    name: 'mosaic_plugin_sandbox_calls_total',
    help: 'Plugin calls run in the sandbox, by tenant, plugin, entry kind (resolver, event, webhook, widget, action) and outcome (ok, PLUGIN_FAILED, PLUGIN_TIMEOUT).',
    labelNames: ['tenant', 'plugin', 'kind', 'outcome'], registers,
    collect() {
      this.reset();
      for (const c of sandbox.callCounts()) this.inc(callLabels(c), c.calls);
    },
  });
  new Counter({
    name: 'mosaic_plugin_sandbox_call_seconds_total',
    help: 'Wall time of plugin calls in the sandbox, by tenant, plugin, entry kind and outcome.',
    labelNames: ['tenant', 'plugin', 'kind', 'outcome'], registers,
    collect() {
      this.reset();
      for (const c of sandbox.callCounts()) this.inc(callLabels(c), c.seconds);
    },
  });
  new Counter({
    name: 'mosaic_sandbox_worker_restarts_total',
    help: 'Sandbox worker processes replaced: after dying (crash) or past MOSAIC_SANDBOX_WORKER_MAX_RSS_MB (memory).',
    labelNames: ['reason'], registers,
    collect() {
      this.reset();
      const replaced = sandbox.workerReplacements();
      this.inc({ reason: 'crash' }, replaced.crash);
      this.inc({ reason: 'memory' }, replaced.memory);
    },
  });

  // Breakers are kept by installation id; tenant and plugin come from the control plane.
  const owners = new Map<string, { tenant: string; plugin: string }>();
  const breakerStates = async () => {
    const states = [...runtime.breakerStates()];
    const unknown = states.map((s) => s.key).filter((id) => !owners.has(id));
    if (unknown.length) {
      const rows = await platform.control.db.select({ id: installations.id, tenantId: installations.tenantId, pluginId: installations.pluginId })
        .from(installations).where(inArray(installations.id, unknown));
      for (const r of rows) owners.set(r.id, { tenant: r.tenantId, plugin: r.pluginId });
    }
    return states.flatMap((s) => (owners.has(s.key) ? [{ ...s, ...owners.get(s.key)! }] : []));
  };
  new Gauge({
    name: 'mosaic_plugin_breaker_open',
    help: 'Plugins paused by their circuit breaker (1) after repeated failures of their own, by tenant and plugin; only plugins with recent failures are listed.',
    labelNames: ['tenant', 'plugin'], registers,
    async collect() {
      this.reset();
      for (const s of await breakerStates()) this.set({ tenant: s.tenant, plugin: s.plugin }, s.open ? 1 : 0);
    },
  });
  new Gauge({
    name: 'mosaic_plugin_breaker_failures',
    help: 'Failures of a plugin\'s own in a row (since its last success), by tenant and plugin; 5 pause it for 30 s.',
    labelNames: ['tenant', 'plugin'], registers,
    async collect() {
      this.reset();
      for (const s of await breakerStates()) this.set({ tenant: s.tenant, plugin: s.plugin }, s.failures);
    },
  });

  // One read of every tenant's outbox per scrape, shared by the gauges below.
  let outboxRead: { at: number; states: Promise<Map<string, OutboxState>> } | undefined;
  const outboxes = (): Promise<Map<string, OutboxState>> => {
    const now = Date.now();
    if (!outboxRead || now - outboxRead.at > 1_000) outboxRead = { at: now, states: readOutboxes(platform, now) };
    return outboxRead.states;
  };
  new Gauge({
    name: 'mosaic_outbox_lag_seconds',
    help: 'Age of the oldest event not yet handed to its plugins, or of the oldest delivery past due, by tenant (0 when none waits).',
    labelNames: ['tenant'], registers,
    async collect() {
      this.reset();
      const now = Date.now();
      for (const [tenant, s] of await outboxes()) {
        const oldest = Math.min(s.undispatched ?? now, s.overdue ?? now);
        this.set({ tenant }, Math.max(0, (now - oldest) / 1000));
      }
    },
  });
  new Gauge({
    name: 'mosaic_event_deliveries',
    help: 'Event deliveries to plugins that failed, by tenant and status: retrying (pending after a failed attempt) or dead (dead letters).',
    labelNames: ['tenant', 'status'], registers,
    async collect() {
      this.reset();
      for (const [tenant, s] of await outboxes()) {
        this.set({ tenant, status: 'retrying' }, s.retrying);
        this.set({ tenant, status: 'dead' }, s.dead);
      }
    },
  });
}

async function readOutboxes(platform: Platform, now: number): Promise<Map<string, OutboxState>> {
  const tenants = (await listTenants(platform.control.db)).slice(0, MAX_TENANTS_PER_SCRAPE);
  const states = new Map<string, OutboxState>();
  let next = 0;
  const worker = async () => {
    while (next < tenants.length) {
      const tenant = tenants[next++]!;
      try {
        states.set(tenant.id, await outboxState(await platform.tenants.get(tenant.id), now));
      } catch (err) {
        platform.logger.warn({ err, tenantId: tenant.id }, 'metrics: could not read the tenant\'s outbox');
      }
    }
  };
  await Promise.all(Array.from({ length: TENANT_CONCURRENCY }, worker));
  return states;
}
