import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverConfigFromEnv } from '../../config.js';
import { startServer, type RunningServer } from '../../http/server.js';
import { createLogger } from '../../lib/logger.js';
import { openPlatform, type Platform } from '../../platform.js';

/** The real platform and HTTP server the web pages' tests talk to. */
export interface WebTestServer {
  platform: Platform;
  server: RunningServer;
  /** Closes the server and the platform, and removes the data folder. */
  close(): Promise<void>;
}

/**
 * Opens a platform on a new temp data folder (`env` over the process's settings, silent logs)
 * and serves it on a free loopback port.
 * @example
 * const web = await startWebTestServer({ MOSAIC_DEV_MAILBOX: '1' });
 * const res = await fetch(`${web.server.url}/t/acme/portal`);
 */
export async function startWebTestServer(env: Record<string, string> = {}): Promise<WebTestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-web-'));
  const platform = await openPlatform(serverConfigFromEnv({ ...process.env, MOSAIC_DATA_DIR: dir, PORT: '0', ...env }), createLogger('silent'));
  const server = await startServer(platform);
  return {
    platform,
    server,
    async close() {
      await server.close();
      await platform.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
