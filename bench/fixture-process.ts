/**
 * The lifecycle every benchmark fixture process shares: it tells the parent what it serves as one
 * JSON line on stdout, then runs until its stdin closes or it is signalled, cleaning up in order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createLogger, createTenant, openPlatform, serverConfigFromEnv, startServer, tenantContext, type Platform, type RunningServer, type TenantContext,
} from '@mosaic/core';

export function emit<T>(info: T): void {
  process.stdout.write(`${JSON.stringify(info)}\n`);
}

export function serveUntilStopped(cleanups: (() => Promise<void> | void)[]): void {
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    for (const cleanup of cleanups) await cleanup();
    process.exit(0);
  };
  process.stdin.on('end', () => void shutdown());
  process.stdin.resume();
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
}

/**
 * The real platform and HTTP server over `dataDir` on a free loopback port, with silent logs (they
 * would go to stdout, our channel) and a rate limit no benchmark reaches (the limiter must never be
 * what is measured). `env` adds settings.
 */
export async function serveBenchPlatform(dataDir: string, env: Record<string, string> = {}): Promise<{ platform: Platform; server: RunningServer }> {
  const config = serverConfigFromEnv({
    ...process.env,
    MOSAIC_DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    MOSAIC_RATE_LIMIT_PER_MINUTE: process.env.MOSAIC_RATE_LIMIT_PER_MINUTE ?? '1000000000000',
    ...env,
  });
  const platform = await openPlatform(config, createLogger('silent'));
  return { platform, server: await startServer(platform) };
}

/** A fixture's platform and server over a new temp data dir, with what stopping must undo. */
export interface TempBenchPlatform {
  platform: Platform;
  server: RunningServer;
  graphqlUrl: string;
  /** Close the server, then the platform, then remove the data dir; a fixture adds its own. */
  cleanups: (() => Promise<void> | void)[];
}

/** `serveBenchPlatform` over a new temp data dir named `<prefix>…`. */
export async function serveBenchPlatformInTempDir(prefix: string, env: Record<string, string> = {}): Promise<TempBenchPlatform> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const { platform, server } = await serveBenchPlatform(dataDir, env);
  return {
    platform, server, graphqlUrl: `${server.url}/graphql`,
    cleanups: [() => server.close(), () => platform.close(), () => rmSync(dataDir, { recursive: true, force: true })],
  };
}

/** A new tenant `slug`: its admin key, and the domain context that key gives (to seed through the use-cases). */
export async function adminTenant(platform: Platform, slug: string): Promise<{ tenantId: string; apiKey: string; ctx: TenantContext }> {
  const { tenant, apiKey } = await createTenant(platform.control.db, platform.tenants, { slug });
  const principal = await platform.keys.verify(apiKey);
  if (!principal) throw new Error('the new admin key does not verify');
  return { tenantId: tenant.id, apiKey, ctx: tenantContext(principal, await platform.tenants.get(tenant.id)) };
}
