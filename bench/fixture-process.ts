/**
 * The lifecycle every benchmark fixture process shares: it tells the parent what it serves as one
 * JSON line on stdout, then runs until its stdin closes or it is signalled, cleaning up in order.
 */
import { createLogger, openPlatform, serverConfigFromEnv, startServer, type Platform, type RunningServer } from '@mosaic/core';

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
