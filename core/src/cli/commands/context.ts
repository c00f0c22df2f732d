import { serverConfigFromEnv } from '../../config.js';
import { createLogger } from '../../lib/logger.js';
import { openPlatform, type Platform } from '../../platform.js';

/** Runs `fn` with an open platform and closes it afterwards (CLI commands log only warnings). */
export async function withPlatform<T>(fn: (platform: Platform) => Promise<T>): Promise<T> {
  const platform = await openPlatform(serverConfigFromEnv(), createLogger(process.env.MOSAIC_LOG_LEVEL ?? 'warn'));
  try {
    return await fn(platform);
  } finally {
    await platform.close();
  }
}

/** A positive whole number option, or the fallback. */
export function countOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} takes a whole number, got "${value}"`);
  return n;
}
