import type { TenantDb } from '../db/tenant-db.js';
import type { Role } from '../db/control-schema.js';
import { AppError } from '../lib/errors.js';
import type { Principal } from './api-keys.js';

/**
 * Everything a use-case needs to act for one tenant. It is built only from a verified
 * credential; no request field can name a different tenant.
 */
export interface TenantContext {
  readonly tenantId: string;
  readonly tenantSlug: string;
  readonly role: Role;
  /** Who acts: an API key id (or `system` for the CLI and seeding). */
  readonly actor: string;
  /** The agent an agent key is tied to; only this agent's presence is theirs to change. */
  readonly agentId?: string | null;
  readonly data: TenantDb;
}

export function tenantContext(principal: Principal, data: TenantDb): TenantContext {
  return {
    tenantId: principal.tenantId, tenantSlug: principal.tenantSlug, role: principal.role, actor: principal.keyId, agentId: principal.agentId, data,
  };
}

/** Integrators read; agents and admins change customer-service data. */
export const canWrite = (role: Role): boolean => role !== 'integrator';

export function assertCanWrite(ctx: TenantContext): void {
  if (!canWrite(ctx.role)) throw new AppError('FORBIDDEN', 'this API key is read-only (integrator role)');
}

/** Workforce and configuration changes are for admins. */
export function assertAdmin(ctx: TenantContext): void {
  if (ctx.role !== 'admin') throw new AppError('FORBIDDEN', 'this operation needs an admin API key');
}
