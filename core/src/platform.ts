import type { ServerConfig } from './config.js';
import { openControlPlane, type ControlPlane } from './db/control.js';
import { TenantDatabases } from './db/tenant-db.js';
import { createLogger, type Logger } from './lib/logger.js';
import { ApiKeyVerifier } from './tenancy/api-keys.js';

/** The long-lived parts one core process shares across requests. */
export interface Platform {
  config: ServerConfig;
  logger: Logger;
  control: ControlPlane;
  tenants: TenantDatabases;
  keys: ApiKeyVerifier;
  close(): Promise<void>;
}

export async function openPlatform(config: ServerConfig, logger: Logger = createLogger()): Promise<Platform> {
  const control = await openControlPlane(config.database);
  const tenants = new TenantDatabases(config.database);
  return {
    config,
    logger,
    control,
    tenants,
    keys: new ApiKeyVerifier(control.db),
    async close() {
      await tenants.close();
      control.client.close();
    },
  };
}
