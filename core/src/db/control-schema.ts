/**
 * Control-plane schema: who the tenants are and who may call on their behalf.
 * Tenant data never lives here; each tenant has a database of its own (see tenant-schema.ts).
 */
import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';

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
