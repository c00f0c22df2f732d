import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { webError, webNotFound } from './index.js';
import { webSecurityHeaders } from './security-headers.js';

/** A bare app with the web's headers and error pages, and a route that fails. */
function failingApp() {
  const app = new Hono<{ Variables: { requestId: string } }>();
  app.use((c, next) => { c.set('requestId', 'req-123'); return next(); });
  app.use(webSecurityHeaders());
  app.get('/t/x/boom', () => { throw new Error('database on fire'); });
  app.notFound(webNotFound);
  app.onError((_err, c) => webError(c));
  return app;
}

describe('web error pages', () => {
  it('answers a failing page with the HTML 500 page, its headers and the request id, never the error', async () => {
    const res = await failingApp().request('/t/x/boom', { headers: { 'accept-language': 'es' } });
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src 'nonce-/);
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html><html lang="es">/);
    expect(html).toContain('<h1>Algo ha fallado</h1>');
    expect(html).toContain('Referencia: req-123');
    expect(html).not.toContain('database on fire');
  });

  it('answers a missing page with the HTML 404 page', async () => {
    const res = await failingApp().request('/t/x/nothing');
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('<h1>Page not found</h1>');
  });
});
