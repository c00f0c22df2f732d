import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverConfigFromEnv } from '../../config.js';
import { openControlPlane, type ControlPlane } from '../../db/control.js';
import { TenantDatabases } from '../../db/tenant-db.js';
import { errorResponse } from '../../http/authenticate.js';
import { AppError } from '../../lib/errors.js';
import { SignInThrottle } from '../../tenancy/sign-in-throttle.js';
import { createTenant } from '../../tenancy/tenants.js';
import {
  beginWebSession, clientAddress, createStaffUser, endWebSessionOf, requireWebUser, staffTenantContext, signIn, signUpCustomer, verifyCsrf, webSession, type WebSessionEnv,
} from './index.js';
import { WebVisitor, type VisitorRequest } from '../testing/web-visitor.js';

/** A small app on the session middleware, served on loopback. */
function testApp(platform: Parameters<typeof webSession>[0], lifetimes = { idleMs: 60_000, absoluteMs: 120_000 }) {
  const app = new Hono<WebSessionEnv>();
  const throttle = new SignInThrottle();
  app.use('/t/:tenant/*', webSession(platform, { lifetimes }), verifyCsrf());
  app.get('/t/:tenant/portal/sign-in', (c) => c.json({ csrf: c.var.csrfToken, user: c.var.webUser?.email ?? null }));
  app.post('/t/:tenant/portal/sign-in', async (c) => {
    const body = await c.req.parseBody();
    const user = await signIn(c.var.webTenant.data, { email: body.email, password: body.password }, { ip: clientAddress(c), throttle });
    return c.json({ csrf: await beginWebSession(c, user) });
  });
  app.get('/t/:tenant/brand.css', (c) => c.body(':root{}', 200, { 'content-type': 'text/css; charset=utf-8' }));
  app.post('/t/:tenant/sign-out', async (c) => { await endWebSessionOf(c); return c.json({ ok: true }); });
  app.get('/t/:tenant/portal', requireWebUser('customer'), (c) => c.json({ user: c.var.webUser!.email, csrf: c.var.csrfToken }));
  app.get('/t/:tenant/console', requireWebUser('staff'), (c) => c.json({ user: c.var.webUser!.email }));
  app.get('/t/:tenant/console/context', requireWebUser('staff'), (c) => { const { data: _db, ...ctx } = staffTenantContext(c); return c.json(ctx); });
  app.get('/t/:tenant/admin', requireWebUser('admin'), (c) => c.json({ ok: true }));
  app.get('/t/:tenant/portal/context', requireWebUser('customer'), (c) => c.json({ role: staffTenantContext(c).role }));
  app.post('/t/:tenant/portal/things', requireWebUser('customer'), (c) => c.json({ ok: true }));
  app.onError((err, c) => (err instanceof AppError ? errorResponse(c, 400, err.code, err.message) : errorResponse(c, 500, 'INTERNAL_SERVER_ERROR', String(err))));
  return app;
}

async function listen(app: Hono<WebSessionEnv>): Promise<{ server: ServerType; base: string }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve({ server, base: `http://127.0.0.1:${info.port}` }));
  });
}

let dir: string;
let control: ControlPlane;
let tenants: TenantDatabases;
let base: string;
let secureBase: string;
let shortBase: string;
const servers: ServerType[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mosaic-web-session-'));
  const database = { kind: 'embedded' as const, dataDir: dir };
  control = await openControlPlane(database);
  tenants = new TenantDatabases(database);
  const config = serverConfigFromEnv({ MOSAIC_DATA_DIR: dir });
  const platform = { control, tenants, config };
  for (const slug of ['acme', 'globex']) {
    const { tenant } = await createTenant(control.db, tenants, { slug });
    const data = await tenants.get(tenant.id);
    await signUpCustomer(data, { name: 'Cora', email: 'cora@example.com', password: `${slug} password 1` });
    await createStaffUser(data, { id: 'setup', role: 'admin' }, { role: 'agent', name: 'Abe', email: 'abe@example.com', password: 'agent password 1' });
  }
  for (const [app, set] of [
    [testApp(platform), (b: string) => { base = b; }],
    [testApp({ ...platform, config: { ...config, web: { ...config.web, secureCookies: true } } }), (b: string) => { secureBase = b; }],
    [testApp(platform, { idleMs: 800, absoluteMs: 60_000 }), (b: string) => { shortBase = b; }],
  ] as const) {
    const { server, base: b } = await listen(app);
    servers.push(server);
    set(b);
  }
});

afterAll(async () => {
  for (const s of servers) s.close();
  await tenants.close();
  control.client.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A browser on the JSON test app: the shared cookie jar, with the answers read as JSON. */
class Browser extends WebVisitor {
  async json(path: string, init: VisitorRequest = {}) {
    const res = await this.fetch(path, init);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & { errors?: { extensions: { code: string } }[] }, res };
  }

  /** Signs in through the test app's JSON sign-in route. */
  async signInWith(slug: string, password: string, email = 'cora@example.com') {
    const { body: page } = await this.json(`/t/${slug}/portal/sign-in`);
    return this.json(`/t/${slug}/portal/sign-in`, { method: 'POST', form: { _csrf: page.csrf as string, email, password } });
  }
}

const codeOf = (body: { errors?: { extensions: { code: string } }[] }) => body.errors?.[0]?.extensions.code;

describe('web session middleware', () => {
  it('answers 404 for an unknown or malformed tenant', async () => {
    const b = new Browser(base);
    expect((await b.json('/t/nosuch/portal/sign-in')).status).toBe(404);
    expect(codeOf((await b.json('/t/NO_SUCH!/portal/sign-in')).body)).toBe('NOT_FOUND');
  });

  it('sets the anonymous form cookie HttpOnly, SameSite=Lax, on the tenant path, Secure only when asked', async () => {
    const b = new Browser(base);
    await b.fetch('/t/acme/portal/sign-in');
    const [cookie] = b.setCookies;
    expect(cookie).toMatch(/^mosaic_form_csrf=[^;]+; Path=\/t\/acme\/; HttpOnly; SameSite=Lax$/);
    // Kept while genuine; never set on a stylesheet.
    await b.fetch('/t/acme/portal/sign-in');
    expect(b.setCookies).toEqual([]);
    const fresh = new Browser(base);
    expect((await fresh.fetch('/t/acme/brand.css')).status).toBe(200);
    expect(fresh.setCookies).toEqual([]);
    const s = new Browser(secureBase);
    await s.fetch('/t/acme/portal/sign-in');
    expect(s.setCookies[0]).toMatch(/; Secure/);
  });

  it('refuses anonymous posts without the double-submit token, with a forged one, or from another origin', async () => {
    const b = new Browser(base);
    const { body: page } = await b.json('/t/acme/portal/sign-in');
    const creds = { email: 'cora@example.com', password: 'acme password 1' };
    expect(codeOf((await b.json('/t/acme/portal/sign-in', { method: 'POST', form: creds })).body)).toBe('CSRF_FAILED');
    const forged = `${'A'.repeat(32)}.${'B'.repeat(43)}`;
    expect(codeOf((await b.json('/t/acme/portal/sign-in', { method: 'POST', form: { ...creds, _csrf: forged } })).body)).toBe('CSRF_FAILED');
    // A token genuine for another tenant does not pass here either.
    const other = new Browser(base);
    const { body: globexPage } = await other.json('/t/globex/portal/sign-in');
    expect(codeOf((await b.json('/t/acme/portal/sign-in', { method: 'POST', form: { ...creds, _csrf: globexPage.csrf as string } })).body)).toBe('CSRF_FAILED');
    const crossSite = await b.json('/t/acme/portal/sign-in', { method: 'POST', headers: { origin: 'http://evil.example' }, form: { ...creds, _csrf: page.csrf as string } });
    expect([crossSite.status, codeOf(crossSite.body)]).toEqual([403, 'CSRF_FAILED']);
    const ok = await b.json('/t/acme/portal/sign-in', { method: 'POST', form: { ...creds, _csrf: page.csrf as string } });
    expect(ok.status).toBe(200);
  });

  it('signs in with a rotated, tenant-scoped session cookie and guards pages by area', async () => {
    const b = new Browser(base);
    const signedOut = await b.fetch('/t/acme/portal?tab=orders');
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('location')).toBe('/t/acme/portal/sign-in?next=%2Ft%2Facme%2Fportal%3Ftab%3Dorders');
    expect(codeOf((await b.json('/t/acme/portal/things', { method: 'POST', form: {} })).body)).toBe('CSRF_FAILED');

    const wrong = await b.signInWith('acme', 'not the password');
    expect(codeOf(wrong.body)).toBe('INVALID_CREDENTIALS');
    const first = await b.signInWith('acme', 'acme password 1');
    const session = b.setCookies.find((c) => c.startsWith('mosaic_session='))!;
    expect(session).toMatch(/^mosaic_session=[A-Za-z0-9_-]{43}; Max-Age=120; Path=\/t\/acme\/; HttpOnly; SameSite=Lax$/);
    const firstToken = b.cookies.get('mosaic_session')!;

    expect((await b.json('/t/acme/portal')).body.user).toBe('cora@example.com');
    expect(codeOf((await b.json('/t/acme/portal/context')).body)).toBe('FORBIDDEN');
    const console = await b.fetch('/t/acme/console');
    expect([console.status, console.headers.get('location')]).toEqual([303, '/t/acme/console/sign-in?next=%2Ft%2Facme%2Fconsole']);

    // Signing in again rotates: the earlier token is dead.
    await b.signInWith('acme', 'acme password 1');
    expect(b.cookies.get('mosaic_session')).not.toBe(firstToken);
    const stale = new Browser(base);
    stale.cookies.set('mosaic_session', firstToken);
    expect((await stale.fetch('/t/acme/portal')).status).toBe(303);
    expect(first.body.csrf).toBeTruthy();
  });

  it('lets an agent into the console with a domain context of their own, not into the portal or admin', async () => {
    const b = new Browser(base);
    await b.signInWith('acme', 'agent password 1', 'abe@example.com');
    const ctx = await b.json('/t/acme/console/context');
    expect(ctx.body).toMatchObject({ role: 'agent', tenantSlug: 'acme' });
    expect(ctx.body.actor).toMatch(/^web:/);
    expect(ctx.body.agentId).toEqual(expect.any(String));
    expect((await b.fetch('/t/acme/portal')).status).toBe(303);
    const admin = await b.fetch('/t/acme/admin');
    expect([admin.status, admin.headers.get('location')]).toEqual([303, '/t/acme/admin/sign-in?next=%2Ft%2Facme%2Fadmin']);
  });

  it('checks the session CSRF token on writes: header or form field, not the anonymous one', async () => {
    const b = new Browser(base);
    const { body: anon } = await b.json('/t/acme/portal/sign-in');
    const { body } = await b.signInWith('acme', 'acme password 1');
    const csrf = body.csrf as string;
    expect(codeOf((await b.json('/t/acme/portal/things', { method: 'POST', form: {} })).body)).toBe('CSRF_FAILED');
    expect(codeOf((await b.json('/t/acme/portal/things', { method: 'POST', form: { _csrf: anon.csrf as string } })).body)).toBe('CSRF_FAILED');
    expect((await b.json('/t/acme/portal/things', { method: 'POST', form: { _csrf: csrf } })).body).toEqual({ ok: true });
    const viaHeader = await b.json('/t/acme/portal/things', { method: 'POST', headers: { 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: '{}' });
    expect(viaHeader.body).toEqual({ ok: true });
    const jsonNoToken = await b.json('/t/acme/portal/things', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(codeOf(jsonNoToken.body)).toBe('CSRF_FAILED');
    // Another browser cannot use this session's token with its own session.
    const other = new Browser(base);
    await other.signInWith('acme', 'acme password 1');
    expect(codeOf((await other.json('/t/acme/portal/things', { method: 'POST', form: { _csrf: csrf } })).body)).toBe('CSRF_FAILED');
  });

  it('a session of tenant A is nobody in tenant B, where the same email has its own account', async () => {
    const b = new Browser(base);
    await b.signInWith('acme', 'acme password 1');
    // The jar ignores paths, so the acme cookie is sent to globex too: the worst case.
    expect((await b.fetch('/t/globex/portal')).status).toBe(303);
    expect((await b.json('/t/globex/portal/sign-in')).body.user).toBeNull();
    expect(codeOf((await b.signInWith('globex', 'acme password 1')).body)).toBe('INVALID_CREDENTIALS');
  });

  it('ends the session on sign-out and after the idle time', async () => {
    const b = new Browser(base);
    const { body } = await b.signInWith('acme', 'acme password 1');
    const token = b.cookies.get('mosaic_session')!;
    await b.json('/t/acme/sign-out', { method: 'POST', form: { _csrf: body.csrf as string } });
    expect(b.setCookies.some((c) => /^mosaic_session=; Max-Age=0; Path=\/t\/acme\//.test(c))).toBe(true);
    const replay = new Browser(base);
    replay.cookies.set('mosaic_session', token);
    expect((await replay.fetch('/t/acme/portal')).status).toBe(303);

    const idle = new Browser(shortBase);
    await idle.signInWith('acme', 'acme password 1');
    expect((await idle.fetch('/t/acme/portal')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 900));
    const after = await idle.fetch('/t/acme/portal');
    expect(after.status).toBe(303);
    expect(idle.setCookies.some((c) => c.startsWith('mosaic_session=;'))).toBe(true);
  });
});
