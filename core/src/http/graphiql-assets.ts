import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Hono } from 'hono';
import { errorResponse, type AppEnv } from './authenticate.js';
import { GRAPHIQL_BOOT_SCRIPT, GRAPHIQL_FAVICON_SVG } from './graphiql-boot.js';

const gzipAsync = promisify(gzip);
const JS = 'text/javascript; charset=utf-8';

const require = createRequire(import.meta.url);
const packageJsonPath = require.resolve('@graphql-yoga/graphiql/package.json');
const packageDir = dirname(packageJsonPath);

/** The only files served, each read from the installed `@graphql-yoga/graphiql` package or from code. */
const FILES = {
  'yoga-graphiql.umd.js': { type: JS, source: { packageFile: 'dist/yoga-graphiql.umd.js' } },
  'graphiql.css': { type: 'text/css; charset=utf-8', source: { packageFile: 'dist/graphiql.css' } },
  'monacoeditorwork/editor.worker.bundle.js': { type: JS, source: { packageFile: 'dist/monacoeditorwork/editor.worker.bundle.js' } },
  'monacoeditorwork/json.worker.bundle.js': { type: JS, source: { packageFile: 'dist/monacoeditorwork/json.worker.bundle.js' } },
  'monacoeditorwork/graphql.worker..bundle.js': { type: JS, source: { packageFile: 'dist/monacoeditorwork/graphql.worker..bundle.js' } },
  'mosaic-graphiql.js': { type: JS, source: { text: GRAPHIQL_BOOT_SCRIPT } },
  'favicon.svg': { type: 'image/svg+xml', source: { text: GRAPHIQL_FAVICON_SVG } },
} satisfies Record<string, { type: string; source: { packageFile: string } | { text: string } }>;
type AssetFile = keyof typeof FILES;

/**
 * Where the assets live: the folder names the GraphiQL version and our own files' digest, so a
 * browser may cache them for a year and still fetches new ones after an upgrade.
 */
export const GRAPHIQL_ASSETS_PATH = (() => {
  const { version } = require(packageJsonPath) as { version: string };
  const digest = createHash('sha256').update(GRAPHIQL_BOOT_SCRIPT).update(GRAPHIQL_FAVICON_SVG).digest('hex').slice(0, 10);
  return `/graphql/assets/${version}-${digest}`;
})();

/** The URL path of one allowlisted asset. */
export const graphiqlAsset = (file: AssetFile) => `${GRAPHIQL_ASSETS_PATH}/${file}`;

/** Node's Buffers are backed by plain ArrayBuffers (never shared ones), which Response wants. */
interface LoadedAsset { type: string; body: Uint8Array<ArrayBuffer>; gzipped: Uint8Array<ArrayBuffer> }

async function load(file: AssetFile): Promise<LoadedAsset> {
  const { type, source }: { type: string; source: { packageFile: string } | { text: string } } = FILES[file];
  const body = 'text' in source ? Buffer.from(source.text) : await readFile(join(packageDir, source.packageFile));
  return { type, body: body as Uint8Array<ArrayBuffer>, gzipped: (await gzipAsync(body)) as Uint8Array<ArrayBuffer> };
}

/**
 * Serves GraphiQL's CSS, scripts and Monaco workers from the server itself, so the page works
 * with no network beyond it. Only the exact paths above answer (no file name from the URL
 * reaches the file system); each file is read and compressed once, on first request.
 */
export function mountGraphiQLAssets(app: Hono<AppEnv>): void {
  const loaded = new Map<AssetFile, Promise<LoadedAsset>>();
  const prefix = `${GRAPHIQL_ASSETS_PATH}/`;
  app.get('/graphql/assets/*', async (c) => {
    const file = (c.req.path.startsWith(prefix) ? c.req.path.slice(prefix.length) : '') as AssetFile;
    if (!Object.hasOwn(FILES, file)) return errorResponse(c, 404, 'NOT_FOUND', `no GraphiQL asset at ${c.req.path}`);
    let asset = loaded.get(file);
    if (!asset) {
      asset = load(file);
      loaded.set(file, asset);
      asset.catch(() => loaded.delete(file)); // a failed read is retried by the next request
    }
    const { type, body, gzipped } = await asset;
    const useGzip = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
    return c.body(useGzip ? gzipped : body, 200, {
      'content-type': type,
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
      vary: 'accept-encoding',
      ...(useGzip ? { 'content-encoding': 'gzip' } : {}),
    });
  });
}
