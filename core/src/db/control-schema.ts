/**
 * Control-plane schema: who the tenants are and who may call on their behalf.
 * Tenant data never lives here; each tenant has a database of its own (see tenant-schema.ts).
 */
import { sqliteTable, text, integer, real, blob, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core';

export const ROLES = ['admin', 'agent', 'integrator'] as const;
export type Role = (typeof ROLES)[number];

export const tenants = sqliteTable('tenants', {
  id: text('id').primaryKey(),
  slug: text('slug').notNull(),
  name: text('name').notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
}, (t) => [uniqueIndex('tenants_slug_uq').on(t.slug)]);

/** API keys are stored as a SHA-256 of their secret part; the secret itself is shown once. */
export const apiKeys = sqliteTable('api_keys', {
  id: text('id').primaryKey(),
  tenantId: text('tenant_id').notNull().references(() => tenants.id),
  role: text('role', { enum: ROLES }).notNull(),
  label: text('label'),
  /** For an agent key: the agent (in the tenant's database) whose presence it may change. */
  agentId: text('agent_id'),
  secretHash: text('secret_hash').notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
}, (t) => [index('api_keys_tenant_idx').on(t.tenantId)]);

export const auditLog = sqliteTable('audit_log', {
  id: text('id').primaryKey(),
  tenantId: text('tenant_id').references(() => tenants.id),
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  target: text('target'),
  detail: text('detail', { mode: 'json' }),
  at: integer('at', { mode: 'timestamp_ms' }).notNull(),
}, (t) => [index('audit_log_tenant_at_idx').on(t.tenantId, t.at)]);

/** An ISV that publishes plugins, known by its ed25519 public key. */
export const publishers = sqliteTable('publishers', {
  id: text('id').primaryKey(),
  handle: text('handle').notNull(),
  name: text('name').notNull(),
  /** SPKI DER, base64: the key every published version's signature must verify against. */
  publicKey: text('public_key').notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
}, (t) => [uniqueIndex('publishers_handle_uq').on(t.handle)]);

/** One immutable published version: the exact manifest and bundle bytes that were signed. */
export const pluginVersions = sqliteTable('plugin_versions', {
  pluginId: text('plugin_id').notNull(),
  version: text('version').notNull(),
  publisherId: text('publisher_id').notNull().references(() => publishers.id),
  manifest: text('manifest').notNull(),
  bundle: text('bundle').notNull(),
  bundleSha256: text('bundle_sha256').notNull(),
  signature: text('signature').notNull(),
  publishedAt: integer('published_at', { mode: 'timestamp_ms' }).notNull(),
}, (t) => [primaryKey({ columns: [t.pluginId, t.version] })]);

export const INSTALLATION_STATUSES = ['active', 'uninstalled'] as const;

/**
 * A plugin installed into a tenant, with what the tenant admin granted. `revision` grows with
 * every change that alters the tenant's schema or the plugin's behaviour; the composed schema is
 * cached by the set of active revisions.
 */
export const installations = sqliteTable('installations', {
  id: text('id').primaryKey(),
  tenantId: text('tenant_id').notNull().references(() => tenants.id),
  pluginId: text('plugin_id').notNull(),
  version: text('version').notNull(),
  previousVersion: text('previous_version'),
  status: text('status', { enum: INSTALLATION_STATUSES }).notNull(),
  grantedScopes: text('granted_scopes', { mode: 'json' }).$type<string[]>().notNull(),
  grantedEgress: text('granted_egress', { mode: 'json' }).$type<string[]>().notNull(),
  config: text('config', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  revision: integer('revision').notNull(),
  installedAt: integer('installed_at', { mode: 'timestamp_ms' }).notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  /** After uninstall, the plugin's data is kept until then, unless purged earlier. */
  retainDataUntil: integer('retain_data_until', { mode: 'timestamp_ms' }),
}, (t) => [uniqueIndex('installations_tenant_plugin_uq').on(t.tenantId, t.pluginId)]);

/** Secret values, encrypted at rest (AES-256-GCM); no API ever returns them. */
export const installationSecrets = sqliteTable('installation_secrets', {
  installationId: text('installation_id').notNull().references(() => installations.id),
  name: text('name').notNull(),
  ciphertext: text('ciphertext').notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
}, (t) => [primaryKey({ columns: [t.installationId, t.name] })]);

export const pluginLogs = sqliteTable('plugin_logs', {
  id: text('id').primaryKey(),
  tenantId: text('tenant_id').notNull(),
  pluginId: text('plugin_id').notNull(),
  level: text('level').notNull(),
  message: text('message').notNull(),
  data: text('data', { mode: 'json' }),
  at: integer('at', { mode: 'timestamp_ms' }).notNull(),
}, (t) => [index('plugin_logs_tenant_plugin_idx').on(t.tenantId, t.pluginId, t.at)]);

/** Metering per tenant, plugin and hour. */
export const pluginUsage = sqliteTable('plugin_usage', {
  tenantId: text('tenant_id').notNull(),
  pluginId: text('plugin_id').notNull(),
  hour: integer('hour').notNull(),
  calls: integer('calls').notNull(),
  failures: integer('failures').notNull(),
  cpuMs: integer('cpu_ms').notNull(),
  wallMs: integer('wall_ms').notNull(),
  fetches: integer('fetches').notNull(),
  fetchBytes: integer('fetch_bytes').notNull(),
}, (t) => [primaryKey({ columns: [t.tenantId, t.pluginId, t.hour] })]);

// ── Shared state of several nodes (MOSAIC_NODES=several); one node keeps both in memory ──

/**
 * Each tenant's GraphQL cost budget, shared by the nodes: the points left at `updatedAt` (epoch
 * ms by the database's clock, so the nodes' clocks never disagree about the refill). Nodes take
 * small leases of points from it (lib/shared-cost-buckets.ts).
 */
export const costBuckets = sqliteTable('cost_buckets', {
  tenantId: text('tenant_id').primaryKey(),
  points: real('points').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/**
 * Live events on their way to the other nodes: written after the change committed, read by every
 * node past its cursor (the ever-growing id), deleted after a minute (domain/live-relay.ts). The
 * one place tenant rows pass through here, as copies in transit: no API reads this table.
 */
export const liveEventRelay = sqliteTable('live_events', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  tenantId: text('tenant_id').notNull(),
  /** The node that published it; that node already delivered it and skips it. */
  nodeId: text('node_id').notNull(),
  /** The event, structured-cloned (its rows keep their Date fields). */
  event: blob('event', { mode: 'buffer' }).notNull(),
  at: integer('at', { mode: 'timestamp_ms' }).notNull(),
}, (t) => [index('live_events_at_idx').on(t.at)]);
