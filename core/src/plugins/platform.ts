import type { GraphQLSchema } from 'graphql';
import type { ControlDb } from '../db/control.js';
import type { DatabaseConfig } from '../db/config.js';
import type { TenantDatabases } from '../db/tenant-db.js';
import type { Logger } from '../lib/logger.js';
import type { TenantContext } from '../tenancy/context.js';
import type { HostDeps, HostLimits } from './host/index.js';
import { vaultFromEnv, type InstallerDeps } from './installer/index.js';
import { pluginParents } from './parents.js';
import { PluginRuntime } from './runtime/runtime.js';
import { SandboxSupervisor } from './sandbox/index.js';
import { TenantSchemas } from './schema/tenant-schemas.js';

export interface PluginSettings {
  sandboxWorkers: number;
  maxWarmInstallations: number;
  retentionDays: number;
  egress: HostDeps['egress'];
  hostLimits: HostLimits;
}

/** Everything plugins need at run time, shared by the HTTP app, the CLI and the dispatcher. */
export interface PluginPlatform {
  runtime: PluginRuntime;
  schemas: TenantSchemas;
  installer: InstallerDeps;
  schemaFor(tenant: TenantContext): Promise<GraphQLSchema>;
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
  const sandbox = new SandboxSupervisor({
    workers: deps.settings.sandboxWorkers,
    maxWarmInstallations: deps.settings.maxWarmInstallations,
    logger: deps.logger,
  });
  const runtime = new PluginRuntime({
    control: deps.control, tenants: deps.tenants, vault, logger: deps.logger, sandbox,
    egress: deps.settings.egress, hostLimits: deps.settings.hostLimits,
  });
  const schemas = new TenantSchemas(deps.control, deps.baseSchema, async (tenant, installation, { type, field }, parents, args) => {
    const value = await runtime.invoke(tenant, installation, {
      entry: { kind: 'resolver', type, field },
      parents: await pluginParents(tenant, type, parents),
      args,
    });
    return value as unknown[];
  });
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
  return {
    runtime,
    schemas,
    installer,
    schemaFor: (tenant) => schemas.schemaFor(tenant),
    async close() {
      await runtime.close();
      await sandbox.close();
    },
  };
}
