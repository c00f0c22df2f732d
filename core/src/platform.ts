import type { ServerConfig } from './config.js';
import { openControlPlane, type ControlPlane } from './db/control.js';
import { TenantDatabases } from './db/tenant-db.js';
import { createLogger, type Logger } from './lib/logger.js';
import { createBaseSchema } from './graphql/schema.js';
import { createPluginPlatform, type PluginPlatform } from './plugins/platform.js';
import { ApiKeyVerifier } from './tenancy/api-keys.js';

/** The long-lived parts one core process shares across requests. */
export interface Platform {
  config: ServerConfig;
  logger: Logger;
  control: ControlPlane;
  tenants: TenantDatabases;
  keys: ApiKeyVerifier;
  plugins: PluginPlatform;
  close(): Promise<void>;
}

export async function openPlatform(config: ServerConfig, logger: Logger = createLogger()): Promise<Platform> {
  const control = await openControlPlane(config.database);
  const tenants = new TenantDatabases(config.database);
  const plugins = createPluginPlatform({
    control: control.db, tenants, database: config.database, logger, baseSchema: createBaseSchema(), settings: config.plugins,
  });
  return {
    config,
    logger,
    control,
    tenants,
    keys: new ApiKeyVerifier(control.db),
    plugins,
    async close() {
      await plugins.close();
      await tenants.close();
      control.client.close();
    },
  };
}
