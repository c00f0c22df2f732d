import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../http/server.js';
import type { Platform } from '../platform.js';
import { createTenant } from '../tenancy/tenants.js';
import { assetUrl } from './static-assets.js';
import { startWebTestServer, type WebTestServer } from './testing/web-test-server.js';

const require = createRequire(import.meta.url);

/** The CSP every web response must carry, with its nonce replaced by "N". */
const STRICT_CSP = "default-src 'none'; script-src 'nonce-N'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
  + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

let web: WebTestServer;
let platform: Platform;
let server: RunningServer;
const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers, redirect: 'manual' });

function expectSecurityHeaders(res: Response) {
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp.replace(/'nonce-[A-Za-z0-9+/=]+'/, "'nonce-N'")).toBe(STRICT_CSP);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toBe('same-origin');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
  expect(res.headers.get('permissions-policy')).toContain('camera=()');
}
const nonceOf = (res: Response) => /'nonce-([^']+)'/.exec(res.headers.get('content-security-policy') ?? '')?.[1];

beforeAll(async () => {
  web = await startWebTestServer();
  ({ platform, server } = web);
  await createTenant(platform.control.db, platform.tenants, { slug: 'acme', name: 'Acme & Co' });
  await createTenant(platform.control.db, platform.tenants, { slug: 'globex', name: 'Globex' });
}, 60_000);
afterAll(async () => {
  await web?.close();
});

describe('web pages', () => {
  it.each(['/', '/t/acme/portal', '/t/acme/console/sign-in', '/t/acme/admin/sign-in'])('%s is an HTML page with strict headers and nonce\'d scripts only', async (path) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expectSecurityHeaders(res);
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html><html lang="en">/);
    expect(html).toContain('<a class="skip-link" href="#main">Skip to main content</a>');
    expect(html).toContain('<main id="main" tabindex="-1">');
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) {
      expect(tag).toContain(`nonce="${nonceOf(res)}"`);
      expect(tag).toMatch(/src="\/assets\/[a-z-]+\.[0-9a-f]{12}\.js"/);
    }
    expect(html).not.toMatch(/style=|<style|https?:\/\//);
  });

  it('draws a fresh nonce for every response', async () => {
    const nonces = new Set(await Promise.all([1, 2, 3].map(async () => nonceOf(await get('/t/acme/portal')))));
    expect(nonces.size).toBe(3);
  });

  it('shows the tenant in its pages and no tenant on the landing page', async () => {
    const portal = await (await get('/t/acme/portal')).text();
    expect(portal).toContain('<span>Acme &amp; Co</span>');
    expect(portal).toContain('<a href="/t/acme/portal" aria-current="page">Help centre</a>');
    expect(portal).toMatch(/<link rel="stylesheet" href="\/t\/acme\/brand\.css\?v=[0-9a-f]{12}"\/>/);
    const landing = await (await get('/')).text();
    expect(landing).toContain('href="/graphql"');
    expect(landing).not.toMatch(/acme|globex/i);
  });

  it('answers the browser\'s icon request with no content, not a 404', async () => {
    const res = await get('/favicon.ico');
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
  });

  it('sends a tenant\'s bare address to its portal', async () => {
    const res = await get('/t/acme/');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/t/acme/portal');
    expect((await get('/t/nobody/')).status).toBe(404);
  });

  it('answers an unknown tenant, a malformed slug and a missing page with the HTML 404 page', async () => {
    for (const path of ['/t/nobody/portal', '/t/NO_/portal', '/t/acme/nowhere', '/t/acme/portal/x', '/t/', '/t/acme']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expectSecurityHeaders(res);
      expect(await res.text()).toContain('<h1>Page not found</h1>');
    }
    // The API keeps its JSON errors.
    const api = await get('/no-such-route');
    expect(api.status).toBe(404);
    expect((await api.json()).errors[0].extensions.code).toBe('NOT_FOUND');
  });
});

describe('languages', () => {
  it('follows Accept-Language by q-value, else the default', async () => {
    const es = await (await get('/t/acme/portal', { 'accept-language': 'fr;q=1, es-MX;q=0.9, en;q=0.5' })).text();
    expect(es).toMatch(/^<!doctype html><html lang="es">/);
    expect(es).toContain('Centro de ayuda');
    const fallback = await (await get('/t/acme/portal', { 'accept-language': 'de, fr' })).text();
    expect(fallback).toMatch(/<html lang="en">/);
  });

  it('remembers a switch in a cookie for that tenant only and returns to the page', async () => {
    const form = new URLSearchParams({ locale: 'es', back: '/t/acme/console/sign-in' });
    // A browser's form post names its page's origin.
    const res = await fetch(`${server.url}/t/acme/locale`, { method: 'POST', body: form, redirect: 'manual', headers: { origin: server.url } });
    expect(res.status).toBe(303);
    expectSecurityHeaders(res);
    expect(res.headers.get('location')).toBe('/t/acme/console/sign-in');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^mosaic_locale=es; Max-Age=\d+; Path=\/t\/acme\/; HttpOnly; SameSite=Lax$/);
    const page = await (await get('/t/acme/console/sign-in', { cookie: 'mosaic_locale=es', 'accept-language': 'en' })).text();
    expect(page).toContain('<h1>Consola de agentes</h1>');
    expect(page).toContain('<option value="es" lang="es" selected="">Español</option>');
  });

  it('refuses a language switch posted from another site', async () => {
    const res = await fetch(`${server.url}/t/acme/locale`, {
      method: 'POST', body: new URLSearchParams({ locale: 'es' }), redirect: 'manual', headers: { origin: 'https://evil.example' },
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('CSRF_FAILED');
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('never sends the visitor elsewhere after a switch', async () => {
    for (const back of ['https://evil.example/', '//evil.example/t/acme/', '/t/globex/portal', '/t/acme/../../x', '/t/acme//x', '/t/acme/\\x']) {
      const res = await fetch(`${server.url}/t/acme/locale`, { method: 'POST', body: new URLSearchParams({ locale: 'en', back }), redirect: 'manual', headers: { origin: server.url } });
      expect(res.headers.get('location'), back).toBe('/t/acme/portal');
    }
    const bad = await fetch(`${server.url}/t/acme/locale`, { method: 'POST', body: new URLSearchParams({ locale: 'xx' }), redirect: 'manual', headers: { origin: server.url } });
    expect(bad.status).toBe(303);
    expect(bad.headers.get('set-cookie')).toBeNull();
  });
});

describe('assets', () => {
  const urlIn = (html: string, name: string) => new RegExp(`/assets/${name}\\.[0-9a-f]{12}\\.(css|js)`).exec(html)![0];

  it('serves the installed htmx and core\'s stylesheet under content-hashed URLs, cached for good', async () => {
    const html = await (await get('/t/acme/portal')).text();
    const htmx = await get(urlIn(html, 'htmx'), { 'accept-encoding': 'identity' });
    expect(htmx.status).toBe(200);
    expect(htmx.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(htmx.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expectSecurityHeaders(htmx);
    expect(Buffer.from(await htmx.arrayBuffer()).equals(readFileSync(require.resolve('htmx.org/dist/htmx.min.js')))).toBe(true);

    const sse = await get(assetUrl('htmx-sse.js'));
    expect(await sse.text()).toBe(readFileSync(require.resolve('htmx-ext-sse/dist/sse.min.js'), 'utf8'));

    const css = await get(urlIn(html, 'app'), { 'accept-encoding': 'gzip' });
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    // fetch() decodes gzip itself; the stylesheet is the file in src/web/assets.
    expect(await css.text()).toBe(readFileSync(new URL('./assets/app.css', import.meta.url), 'utf8'));
    expect(css.headers.get('content-encoding')).toBe('gzip');
  });

  it('answers 404 for an unknown name, a stale digest or a path outside the list', async () => {
    const html = await (await get('/')).text();
    const stale = urlIn(html, 'app').replace(/\.[0-9a-f]{12}\./, '.000000000000.');
    for (const path of [stale, '/assets/app.css', '/assets/nope.js', '/assets/..%2fpackage.json', '/assets/%2e%2e/%2e%2e/package.json', '/assets/']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      // fetch() resolves "%2e%2e" itself, so that one never reaches /assets: the API's JSON 404.
      const stillAsset = new URL(path, server.url).pathname.startsWith('/assets/');
      expect(res.headers.get('content-type'), path).toMatch(stillAsset ? /^text\/html/ : /^application\/json/);
    }
  });

  it('serves the brand stylesheet with colours only, long-cached at its current digest', async () => {
    const html = await (await get('/t/acme/portal')).text();
    const href = /href="(\/t\/acme\/brand\.css\?v=[0-9a-f]{12})"/.exec(html)![1]!;
    const res = await get(href);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expectSecurityHeaders(res);
    expect(await res.text()).toMatch(/^:root\{--brand-primary:#[0-9a-f]{6};--brand-on-primary:#[0-9a-f]{6};--brand-accent:#[0-9a-f]{6}\}\n$/);
    expect((await get('/t/acme/brand.css?v=old')).headers.get('cache-control')).toBe('no-cache');
    expect((await get('/t/nobody/brand.css')).status).toBe(404);
  });
});
