import type { GraphQLSchema } from 'graphql';
import type { ControlDb } from '../db/control.js';
import type { DatabaseConfig } from '../db/config.js';
import type { TenantDatabases } from '../db/tenant-db.js';
import type { Logger } from '../lib/logger.js';
import type { TenantContext } from '../tenancy/context.js';
import type { Caller, HostDeps, HostLimits } from './host/index.js';
import { eq } from 'drizzle-orm';
import { tenants as tenantsTable } from '../db/control-schema.js';
import { recordedEvents } from '../domain/outbox.js';
import { RoutingSweeper } from '../domain/routing/sweeper.js';
import { notFound } from '../lib/errors.js';
import { EventDispatcher, exponentialBackoff, handleInboundWebhook, type InboundWebhookRequest, type WebhookResult } from './events/index.js';
import type { HistoryRetention } from './events/history-retention.js';
import { vaultFromEnv, type Installation, type InstallerDeps } from './installer/index.js';
import { PluginRuntime } from './runtime/runtime.js';
import { fieldBatches } from './field-batches.js';
import { resultCacheOf } from './runtime/result-cache.js';
import { CountedSandboxSupervisor } from '../ops/sandbox-calls.js';
import { TenantSchemas } from './schema/tenant-schemas.js';
import {
  renderExtensionPoint, runWidgetAction, type RenderOptions, type WidgetActionRequest, type WidgetActionResult, type WidgetDeps, type WidgetResult, type WidgetTarget,
} from './widgets/index.js';

export interface PluginSettings {
  sandboxWorkers: number;
  /** RSS ceiling of one sandbox worker process in MB; the supervisor's default when omitted. */
  sandboxWorkerMaxRssMb?: number;
  maxWarmInstallations: number;
  /** Size of the kept plugin results in Mi characters (0: none kept); RESULT_CACHE_LIMITS when omitted. */
  resultCacheMb?: number;
  retentionDays: number;
  /** How long delivered events and plugin logs are kept, and how often they (and uninstalled plugins' data) are swept. */
  history?: HistoryRetention & { sweepMs: number };
  egress: HostDeps['egress'];
  hostLimits: HostLimits;
}

/** Everything plugins need at run time, shared by the HTTP app, the CLI and the dispatcher. */
export interface PluginPlatform {
  runtime: PluginRuntime;
  schemas: TenantSchemas;
  installer: InstallerDeps;
  events: EventDispatcher;
  /** The sandbox supervisor (its worker's pid and RSS, its call counts, for operators and tests). */
  sandbox: CountedSandboxSupervisor;
  schemaFor(tenant: TenantContext): Promise<GraphQLSchema>;
  /** Verifies an inbound webhook's signature and runs the plugin's handler. */
  webhook(request: InboundWebhookRequest): Promise<WebhookResult>;
  /**
   * Every installed widget at `point` (e.g. `console.order.sidebar`) rendered for `target` and
   * `options.viewer`, in parallel within `options.budgetMs`; one result per widget, failures as
   * error entries (see widgets/extension-point.ts).
   */
  renderExtensionPoint(tenant: TenantContext, point: string, target: WidgetTarget, options: RenderOptions): Promise<WidgetResult[]>;
  /** Runs a widget button's action for `viewer` and renders the widget again (see widgets/action.ts). */
  runWidgetAction(tenant: TenantContext, viewer: Caller, request: WidgetActionRequest): Promise<WidgetActionResult>;
  close(): Promise<void>;
}

export function createPluginPlatform(deps: {
  control: ControlDb;
  tenants: TenantDatabases;
  database: DatabaseConfig;
  logger: Logger;
  baseSchema: GraphQLSchema;
  settings: PluginSettings;
}): PluginPlatform {
  const vault = vaultFromEnv(deps.database);
  const sandbox = new CountedSandboxSupervisor({
    workers: deps.settings.sandboxWorkers,
    maxWarmInstallations: deps.settings.maxWarmInstallations,
    maxWorkerRssMb: deps.settings.sandboxWorkerMaxRssMb,
    logger: deps.logger,
  });
  const runtime = new PluginRuntime({
    control: deps.control, tenants: deps.tenants, vault, logger: deps.logger, sandbox,
    egress: deps.settings.egress, hostLimits: deps.settings.hostLimits,
  });
  const schemas = new TenantSchemas(deps.control, deps.baseSchema, fieldBatches(runtime, resultCacheOf(deps.settings.resultCacheMb)));
  const slugs = new Map<string, string>();
  /** Who a plugin runs for when no API caller is involved (events, webhooks). */
  const systemContext = async (tenantId: string, actor: string): Promise<TenantContext> => {
    let slug = slugs.get(tenantId);
    if (!slug) {
      const [row] = await deps.control.select({ slug: tenantsTable.slug }).from(tenantsTable).where(eq(tenantsTable.id, tenantId)).limit(1);
      if (!row) throw notFound('tenant');
      slugs.set(tenantId, (slug = row.slug));
    }
    return { tenantId, tenantSlug: slug, role: 'agent', actor, data: await deps.tenants.get(tenantId) };
  };
  const routing = new RoutingSweeper({ control: deps.control, tenants: deps.tenants, logger: deps.logger });
  const events = new EventDispatcher({
    control: deps.control,
    tenants: deps.tenants,
    logger: deps.logger,
    // Long enough that a plugin paused by its breaker (30 s) is retried after the pause, not dead-lettered during it.
    maxAttempts: 8,
    backoff: exponentialBackoff({ baseMs: 2_000 }),
    ...(deps.settings.history ? { history: deps.settings.history, retentionSweepMs: deps.settings.history.sweepMs } : {}),
    periodic: (now) => routing.tick(now),
    deliver: async (tenantId, installation, event) => {
      await runtime.invoke(await systemContext(tenantId, 'system:events'), installation, { entry: { kind: 'event', type: event.type }, event }, null);
    },
  });
  // A commit that recorded no event gives the dispatcher nothing to do (its own claims and settlements included).
  deps.tenants.onCommit = (tenantId, tx) => {
    if (recordedEvents(tx)) events.notify(tenantId);
  };
  const runWebhook = async (tenantId: string, installation: Installation, name: string, request: { method: string; headers: Record<string, string>; query: Record<string, string>; body: string }) =>
    (await runtime.invoke(await systemContext(tenantId, 'system:webhook'), installation, { entry: { kind: 'webhook', name }, request }, null)) as WebhookResult;
  const installer: InstallerDeps = {
    control: deps.control,
    tenants: deps.tenants,
    vault,
    retentionDays: deps.settings.retentionDays,
    checkSchema: (tenantId, change) => schemas.check(tenantId, change),
    changed: (tenantId) => {
      schemas.invalidate(tenantId);
      runtime.forget();
    },
  };
  const widgets: WidgetDeps = {
    control: deps.control, runtime, manifests: events.manifests, logger: deps.logger, composedFor: (tenant) => schemas.composedFor(tenant),
  };
  return {
    runtime,
    schemas,
    installer,
    events,
    sandbox,
    schemaFor: (tenant) => schemas.schemaFor(tenant),
    renderExtensionPoint: (tenant, point, target, options) => renderExtensionPoint(widgets, tenant, point, target, options),
    runWidgetAction: (tenant, viewer, request) => runWidgetAction(widgets, tenant, viewer, request),
    webhook: (request) => handleInboundWebhook({ control: deps.control, tenants: deps.tenants, vault, runWebhook, manifests: events.manifests, logger: deps.logger }, request),
    async close() {
      await events.stop();
      await runtime.close();
      await sandbox.close();
    },
  };
}
