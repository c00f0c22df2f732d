/**
 * GraphiQL over plain HTTP: the page is public (also at the `?query=` URL GraphiQL writes), API
 * calls without a key still answer 401, the page's assets come from this server only, from a
 * fixed list, and the page opens with the README's sample query. The browser side is in
 * graphiql.browser.test.ts.
 */
import { readFileSync } from 'node:fs';
import { parse, print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './harness.js';

let tp: TestPlatform;
beforeAll(async () => {
  tp = await startTestPlatform();
});
afterAll(() => tp?.close());

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const getPage = (query = '') => fetch(`${tp.server.url}/graphql${query}`, { headers: { accept: BROWSER_ACCEPT } });

/** The page's asset URLs (stylesheet, scripts, icon), in document order. */
const assetUrls = (html: string) => [...html.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1]!);

/** The options the page hands to GraphiQL (a JSON data block). */
const pageOptions = (html: string) =>
  JSON.parse(/<script type="application\/json" id="graphiql-options">([^<]*)<\/script>/.exec(html)![1]!) as { defaultQuery: string; headers: string };

describe('the GraphiQL page', () => {
  it('is served without a key, with a CSP that allows this server only', async () => {
    const res = await getPage();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    // Inline scripts are never allowed, and nothing names another origin or blob:.
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline|https?:|blob:|\*/);
    const html = await res.text();
    expect(html).not.toMatch(/<script>|<script(?![^>]*\bsrc=)(?![^>]*application\/json)[^>]*>/);
    expect(html).not.toMatch(/https?:\/\//);
    expect(assetUrls(html).every((u) => u.startsWith('/graphql/assets/'))).toBe(true);
  });

  it('is served again at the ?query= URL GraphiQL writes, which it never executes', async () => {
    const res = await getPage(`?query=${encodeURIComponent('{ customers(first: 1) { edges { node { id } } } }')}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await res.text()).toContain('id="root"');
  });

  it('leaves API GETs without a key at 401 with a code', async () => {
    for (const accept of ['application/graphql-response+json', 'application/json', '*/*']) {
      const res = await fetch(`${tp.server.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept } });
      expect(res.status, accept).toBe(401);
      expect((await res.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('opens with the README sample query and says where the demo key is', async () => {
    const { defaultQuery, headers } = pageOptions(await (await getPage()).text());
    expect(defaultQuery).toContain('data/demo-credentials.json');
    expect(JSON.parse(headers)).toEqual({ Authorization: expect.stringMatching(/^Bearer /) });
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const readmeQuery = /```graphql\n([\s\S]*?)```/.exec(readme)![1]!;
    expect(print(parse(defaultQuery))).toBe(print(parse(readmeQuery)));
  });
});

describe('GraphiQL assets', () => {
  let assets: string[];
  beforeAll(async () => {
    assets = assetUrls(await (await getPage()).text());
  });

  it('serve every file the page names with its content type and a long cache', async () => {
    const types: Record<string, string> = { css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8', svg: 'image/svg+xml' };
    expect(assets).toHaveLength(4);
    for (const path of assets) {
      const res = await fetch(`${tp.server.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toBe(types[path.split('.').pop()!]);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect((await res.arrayBuffer()).byteLength, path).toBeGreaterThan(100);
    }
  });

  it('serve the Monaco workers the boot script names', async () => {
    const boot = assets.find((u) => u.endsWith('/mosaic-graphiql.js'))!;
    const base = boot.slice(0, boot.lastIndexOf('/') + 1);
    const workers = [...(await (await fetch(`${tp.server.url}${boot}`)).text()).matchAll(/'(monacoeditorwork\/[^']+)'/g)].map((m) => m[1]!);
    expect(workers).toHaveLength(3);
    for (const worker of workers) {
      const res = await fetch(`${tp.server.url}${base}${worker}`, { headers: { 'accept-encoding': 'gzip' } });
      expect(res.status, worker).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(res.headers.get('content-encoding')).toBe('gzip'); // fetch decodes it
      expect((await res.text()).length).toBeGreaterThan(100_000);
    }
  });

  it('answer nothing outside the fixed list: no traversal, no other package file, no old version', async () => {
    const boot = assets.find((u) => u.endsWith('/mosaic-graphiql.js'))!;
    const base = boot.slice(0, boot.lastIndexOf('/'));
    const attempts = [
      `${base}/../package.json`, `${base}/%2e%2e/package.json`, `${base}/..%2fpackage.json`, `${base}/%2e%2e%2f%2e%2e%2fpackage.json`,
      `${base}/package.json`, `${base}/yoga-graphiql.es.js`, `${base}/monacoeditorwork`, `${base}/monacoeditorwork/`,
      `${base}/`, `${base}`, '/graphql/assets/0.0.0-0000000000/graphiql.css', '/graphql/assets/graphiql.css',
      `${base}/graphiql.css/`, `${base}//graphiql.css`, `${base}/graphiql.css%00.js`, `${base}/constructor`, `${base}/__proto__`,
    ];
    for (const path of attempts) {
      // undici normalises dot segments, so send the raw path over a plain socket-level request.
      const res = await rawGet(path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).toContain('NOT_FOUND');
      expect(res.body, path).not.toContain('"version"');
    }
  });
});

/** A GET whose path is sent exactly as given (fetch would resolve `..` first). */
async function rawGet(path: string): Promise<{ status: number; body: string }> {
  const { request } = await import('node:http');
  const { hostname, port } = new URL(tp.server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
