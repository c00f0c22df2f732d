import { resolve } from 'node:path';

/** Where databases live: files under a folder (default), or namespaces on a libsql server. */
export type DatabaseConfig =
  | { kind: 'embedded'; dataDir: string }
  | { kind: 'server'; url: string; adminUrl: string; authToken?: string };

/**
 * MOSAIC_DATABASE_URL switches to server mode (e.g. http://127.0.0.1:8080 for sqld started with
 * --enable-namespaces); MOSAIC_DATABASE_ADMIN_URL is its admin API, used to create a namespace
 * per tenant. Without a URL, databases are files under MOSAIC_DATA_DIR (default ./data).
 */
export function databaseConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const url = env.MOSAIC_DATABASE_URL;
  if (!url) return { kind: 'embedded', dataDir: resolve(env.MOSAIC_DATA_DIR ?? './data') };
  const adminUrl = env.MOSAIC_DATABASE_ADMIN_URL;
  if (!adminUrl) {
    throw new Error('MOSAIC_DATABASE_ADMIN_URL must be set with MOSAIC_DATABASE_URL (it creates tenant namespaces)');
  }
  return { kind: 'server', url, adminUrl, authToken: env.MOSAIC_DATABASE_AUTH_TOKEN };
}
