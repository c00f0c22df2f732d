import type { Context } from 'hono';
import type { ServerConfig } from '../config.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Where links in mail point (a password reset link, above all). Never the request's Host header
 * as such: anyone can send a forged one, and the victim's reset link would then carry its token to
 * the forger's site. MOSAIC_PUBLIC_URL when set; else the request's own origin only when it is a
 * loopback address (a development server), else the configured listening address.
 */
export function publicOrigin(c: Context, config: Pick<ServerConfig, 'host' | 'port' | 'web'>): string {
  if (config.web.publicUrl) return config.web.publicUrl;
  const url = new URL(c.req.url);
  if (LOOPBACK_HOSTS.has(url.hostname)) return url.origin;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${config.port}`;
}
