import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Context, Hono } from 'hono';
import type { AppEnv } from '../http/authenticate.js';

const require = createRequire(import.meta.url);
/**
 * Core's own stylesheets. From source this is src/web/assets/; the bundle lives in dist/ and the
 * build copies the folder to dist/assets/, so the same relative URL finds it in both.
 */
const OWN_ASSETS = new URL('./assets/', import.meta.url);

const CSS = 'text/css; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';

/** The only files served under /assets: a public name, its type and where its bytes come from. */
const SOURCES: Record<string, { type: string; path: () => string; optional?: boolean }> = {
  'htmx.js': { type: JS, path: () => require.resolve('htmx.org/dist/htmx.min.js') },
  'htmx-sse.js': { type: JS, path: () => require.resolve('htmx-ext-sse/dist/sse.min.js') },
  'app.css': { type: CSS, path: () => fileURLToPath(new URL('app.css', OWN_ASSETS)) },
  'widgets.css': { type: CSS, path: () => fileURLToPath(new URL('widgets.css', OWN_ASSETS)), optional: true },
  'admin.css': { type: CSS, path: () => fileURLToPath(new URL('admin.css', OWN_ASSETS)) },
  'console.css': { type: CSS, path: () => fileURLToPath(new URL('console.css', OWN_ASSETS)) },
  'portal.css': { type: CSS, path: () => fileURLToPath(new URL('portal.css', OWN_ASSETS)) },
  'chat.css': { type: CSS, path: () => fileURLToPath(new URL('chat.css', OWN_ASSETS)) },
};

interface WebAsset { name: string; url: string; type: string; body: Buffer; gzipped: Buffer }

let loaded: Map<string, WebAsset> | undefined;

/**
 * Reads, hashes and compresses every asset once (at start-up, when the web routes are mounted).
 * The URL names the content's digest, so a response may be cached for a year.
 */
function assets(): Map<string, WebAsset> {
  if (loaded) return loaded;
  const byName = new Map<string, WebAsset>();
  for (const [name, source] of Object.entries(SOURCES)) {
    const path = source.path();
    if (source.optional && !existsSync(path)) continue;
    const body = readFileSync(path);
    const digest = createHash('sha256').update(body).digest('hex').slice(0, 12);
    const dot = name.lastIndexOf('.');
    const url = `/assets/${name.slice(0, dot)}.${digest}${name.slice(dot)}`;
    byName.set(name, { name, url, type: source.type, body, gzipped: gzipSync(body) });
  }
  loaded = byName;
  return byName;
}

/** The URL of a served asset ("app.css" → "/assets/app.3f2a….css"); throws for an unknown name. */
export function assetUrl(name: string): string {
  const asset = assets().get(name);
  if (!asset) throw new Error(`no web asset named ${name}`);
  return asset.url;
}

/**
 * A long-cached body, gzipped when the client accepts it. Shared by the assets and brand.css.
 */
export function immutableBody(c: Context, type: string, body: Buffer, gzipped?: Buffer) {
  const useGzip = !!gzipped && /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
  return c.body((useGzip ? gzipped : body) as Uint8Array<ArrayBuffer>, 200, {
    'content-type': type,
    'cache-control': 'public, max-age=31536000, immutable',
    vary: 'accept-encoding',
    ...(useGzip ? { 'content-encoding': 'gzip' } : {}),
  });
}

/**
 * Serves /assets/<name>.<digest>.<ext>. Only the exact URLs above answer: the path is looked up
 * in a map, never joined to a folder, so no request can reach another file. A stale digest
 * (a page cached across an upgrade) is a 404 rather than different content under the old URL.
 */
export function mountStaticAssets(app: Hono<AppEnv>, notFound: (c: Context<AppEnv>) => Response | Promise<Response>): void {
  const byUrl = new Map([...assets().values()].map((a) => [a.url, a]));
  app.get('/assets/*', (c) => {
    const asset = byUrl.get(c.req.path);
    if (!asset) return notFound(c);
    return immutableBody(c, asset.type, asset.body, asset.gzipped);
  });
}
