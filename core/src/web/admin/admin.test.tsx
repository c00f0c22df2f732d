import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../db/control-schema.js';
import { eventDeliveries, outbox } from '../../db/tenant-schema.js';
import type { RunningServer } from '../../http/server.js';
import type { Platform } from '../../platform.js';
import { findInstallation, installPlugin, readSecrets, secretNames } from '../../plugins/installer/index.js';
import { createPublisher, publishVersion } from '../../plugins/registry/index.js';
import { buildFixture } from '../../plugins/testing/build-fixture.js';
import { createTenant } from '../../tenancy/tenants.js';
import { readBranding } from '../../tenancy/web-settings.js';
import { createStaffUser, getWebUser, listWebUsers } from '../../tenancy/web-users.js';
import { createApiKey } from '../../tenancy/api-keys.js';
import { WebVisitor } from '../testing/web-visitor.js';
import { startWebTestServer, type WebTestServer } from '../testing/web-test-server.js';

const CONFIG_SCHEMA = {
  type: 'object',
  properties: {
    greeting: { type: 'string', title: 'Greeting', minLength: 2 },
    retries: { type: 'integer', minimum: 0, maximum: 5, default: 2 },
    loud: { type: 'boolean' },
    tone: { type: 'string', enum: ['calm', 'cheerful'] },
    tags: { type: 'array', items: { type: 'string' } },
  },
  required: ['greeting'],
};

let web: WebTestServer;
let platform: Platform;
let server: RunningServer;
let acme: string;

/** A browser without JavaScript on the test server. */
const browser = () => new WebVisitor(server.url);

async function signedInAdmin(slug = 'acme', email = 'ada@acme.test') {
  const b = browser();
  await b.get(`/t/${slug}/admin/sign-in`);
  const { res } = await b.post(`/t/${slug}/admin/sign-in`, [['email', email], ['password', 'correct horse battery']]);
  expect(res.status).toBe(303);
  return b;
}

beforeAll(async () => {
  web = await startWebTestServer();
  ({ platform, server } = web);
  const tenant = await createTenant(platform.control.db, platform.tenants, { slug: 'acme', name: 'Acme' });
  acme = tenant.tenant.id;
  const globex = await createTenant(platform.control.db, platform.tenants, { slug: 'globex', name: 'Globex' });
  const bootstrap = { id: 'bootstrap', role: 'admin' as const };
  await createStaffUser(await platform.tenants.get(acme), bootstrap, { role: 'admin', name: 'Ada', email: 'ada@acme.test', password: 'correct horse battery' });
  await createStaffUser(await platform.tenants.get(acme), bootstrap, { role: 'agent', name: 'Alan', email: 'alan@acme.test', password: 'correct horse battery' });
  await createStaffUser(await platform.tenants.get(globex.tenant.id), bootstrap, { role: 'admin', name: 'Gus', email: 'gus@globex.test', password: 'correct horse battery' });

  const { publisher, privateKeyPem } = await createPublisher(platform.control.db, { handle: 'acme' });
  for (const [version, extra] of [['1.0.0', {}], ['1.1.0', { scopes: ['customers:read', 'orders:read', 'cases:read', 'cases:write', 'storage'], egress: ['api.example.net'] }]] as const) {
    const built = await buildFixture('widget-board', version, (s) => s, (m) => ({
      ...m, ...extra, configSchema: CONFIG_SCHEMA, secrets: [{ name: 'API_TOKEN', description: 'Token for the board service' }],
    }));
    await publishVersion(platform.control.db, { publisherId: publisher.id, manifest: built.manifest, bundle: built.bundle, signature: built.sign(privateKeyPem) });
  }
}, 120_000);
afterAll(async () => {
  await web?.close();
});

describe('admin sign-in', () => {
  it('sends visitors to the sign-in page and lets only admins in', async () => {
    const b = browser();
    const first = await b.get('/t/acme/admin/users');
    expect(first.res.status).toBe(303);
    expect(first.res.headers.get('location')).toBe('/t/acme/admin/sign-in?next=%2Ft%2Facme%2Fadmin%2Fusers');
    await b.get('/t/acme/admin/sign-in?next=%2Ft%2Facme%2Fadmin%2Fusers');
    const wrong = await b.post('/t/acme/admin/sign-in', [['email', 'ada@acme.test'], ['password', 'not the password'], ['next', '/t/acme/admin/users']]);
    expect(wrong.res.status).toBe(422);
    expect(wrong.html).toContain('This email and password do not match an account.');
    expect(wrong.html).toContain('value="ada@acme.test"');
    const agent = await b.post('/t/acme/admin/sign-in', [['email', 'alan@acme.test'], ['password', 'correct horse battery']]);
    expect(agent.res.status).toBe(422);
    expect(agent.html).toContain('This account has no access to this area.');
    const ok = await b.post('/t/acme/admin/sign-in', [['email', 'ada@acme.test'], ['password', 'correct horse battery'], ['next', '/t/acme/admin/users']]);
    expect(ok.res.status).toBe(303);
    expect(ok.res.headers.get('location')).toBe('/t/acme/admin/users');
    expect((await b.get('/t/acme/admin/users')).html).toContain('alan@acme.test');
  });

  it('signs out: the session ends and the pages ask for sign-in again', async () => {
    const b = await signedInAdmin();
    await b.get('/t/acme/admin');
    const out = await b.post('/t/acme/admin/sign-out', []);
    expect([out.res.status, out.res.headers.get('location')]).toEqual([303, '/t/acme/admin/sign-in']);
    expect((await b.get('/t/acme/admin')).res.status).toBe(303);
  });

  it('answers an over-long sign-in like a wrong one', async () => {
    const b = browser();
    await b.get('/t/acme/admin/sign-in');
    const res = await b.post('/t/acme/admin/sign-in', [['email', `${'a'.repeat(400)}@acme.test`], ['password', 'x'.repeat(300)]]);
    expect(res.res.status).toBe(422);
    expect(res.html).toContain('This email and password do not match an account.');
  });

  it('never redirects elsewhere after sign-in', async () => {
    const b = browser();
    await b.get('/t/acme/admin/sign-in');
    const res = await b.post('/t/acme/admin/sign-in', [['email', 'ada@acme.test'], ['password', 'correct horse battery'], ['next', '//evil.example/t/acme/admin']]);
    expect(res.res.headers.get('location')).toBe('/t/acme/admin');
  });

  it('refuses a form post without the session token', async () => {
    const b = await signedInAdmin();
    const res = await fetch(`${server.url}/t/acme/admin/users`, { method: 'POST', body: new URLSearchParams({ name: 'x' }), redirect: 'manual', headers: { origin: server.url } });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ errors: [{ extensions: { code: 'CSRF_FAILED' } }] });
    expect((await b.get('/t/acme/admin')).res.status).toBe(200);
    const forged = await b.post('/t/acme/admin/users', [['_csrf', 'forged'], ['name', 'x']]);
    expect(forged.res.status).toBe(403);
  });
});

describe('plugins from the admin pages', () => {
  it('installs through the consent screen, with config validated beside the fields and secrets write-only', async () => {
    const b = await signedInAdmin();
    const list = await b.get('/t/acme/admin/marketplace');
    expect(list.html).toContain('href="/t/acme/admin/marketplace/acme.widget-board"');
    const consent = await b.get('/t/acme/admin/marketplace/acme.widget-board');
    expect(consent.html).toContain('Read customers: names, contact details and identities.');
    expect(consent.html).toContain('<code>api.example.net</code>');
    expect(consent.html).toContain('<code>API_TOKEN</code>');
    expect(consent.html).toMatch(/<select id="f-config-tone" name="config\.tone"/);
    expect(consent.html).toMatch(/type="checkbox" value="on"[^>]*name="config.loud"|name="config.loud" type="checkbox"/);

    const form = (extra: [string, string][]): [string, string][] => [
      ['version', '1.1.0'], ...['customers:read', 'orders:read', 'cases:read', 'cases:write', 'storage'].map((s): [string, string] => ['grantScopes', s]),
      ['grantEgress', 'api.example.net'], ...extra,
    ];
    const noConsent = await b.post('/t/acme/admin/marketplace/acme.widget-board/install', form([['config.greeting', 'Hi']]));
    expect(noConsent.res.status).toBe(422);
    expect(noConsent.html).toContain('Tick this box to give your consent.');

    const bad = await b.post('/t/acme/admin/marketplace/acme.widget-board/install', form([['consent', 'on'], ['config.greeting', 'H'], ['config.retries', '9'], ['secrets.API_TOKEN', 's3cret-token']]));
    expect(bad.res.status).toBe(422);
    expect(bad.html).toMatch(/id="f-config-greeting"[^>]*aria-invalid="true"/);
    expect(bad.html).toContain('id="f-config-greeting-error"');
    expect(bad.html).toContain('id="f-config-retries-error"');
    expect(bad.html).toContain('value="9"');
    expect(bad.html).not.toContain('s3cret-token');
    expect(await findInstallation(platform.control.db, acme, 'acme.widget-board')).toBeUndefined();

    // What was shown (the hidden grants) no longer covers what the version asks for: consent again.
    const stale = await b.post('/t/acme/admin/marketplace/acme.widget-board/install',
      form([['consent', 'on'], ['config.greeting', 'Hello']]).filter(([k, v]) => !(k === 'grantScopes' && v === 'cases:read')));
    expect(stale.res.status).toBe(422);
    expect(stale.html).toContain('What this plugin asks for has changed since this page was shown. Review it again.');

    const ok = await b.post('/t/acme/admin/marketplace/acme.widget-board/install', form([
      ['consent', 'on'], ['config.greeting', 'Hello'], ['config.retries', '3'], ['config.loud', 'on'], ['config.tone', 'calm'], ['config.tags', 'a\nb\n'], ['secrets.API_TOKEN', 's3cret-token'],
    ]));
    expect(ok.res.status).toBe(303);
    expect(ok.res.headers.get('location')).toBe('/t/acme/admin/plugins/acme.widget-board?done=installed');
    const installed = await findInstallation(platform.control.db, acme, 'acme.widget-board');
    expect(installed).toMatchObject({ status: 'active', version: '1.1.0', config: { greeting: 'Hello', retries: 3, loud: true, tone: 'calm', tags: ['a', 'b'] } });
    expect(await secretNames(platform.control.db, installed!.id)).toEqual(['API_TOKEN']);
    const [audit] = await platform.control.db.select().from(auditLog).where(and(eq(auditLog.tenantId, acme), eq(auditLog.action, 'plugin.install')));
    expect(audit?.actor).toMatch(/^web:/);

    const page = await b.get('/t/acme/admin/plugins/acme.widget-board?done=installed');
    expect(page.html).toContain('The plugin is installed and active.');
    expect(page.html).toContain('Token for the board service — set');
    expect(page.html).not.toContain('s3cret-token');
  });

  it('a foreign installation answers the HTML 404 page', async () => {
    const gus = await signedInAdmin('globex', 'gus@globex.test');
    await gus.get('/t/globex/admin');
    for (const path of ['/t/globex/admin/plugins/acme.widget-board', '/t/globex/admin/plugins/acme.widget-board/health', '/t/globex/admin/plugins/nope.missing']) {
      const { res, html } = await gus.get(path);
      expect(res.status).toBe(404);
      expect(html).toContain('Page not found');
    }
    const { res } = await gus.post('/t/globex/admin/plugins/acme.widget-board/uninstall', []);
    expect(res.status).toBe(404);
    const [alan] = await listWebUsers(await platform.tenants.get(acme), { id: 'test', role: 'admin' }, 'agent');
    expect((await gus.post(`/t/globex/admin/users/${alan!.id}/disable`, [])).res.status).toBe(404);
    expect((await gus.post(`/t/globex/admin/users/${alan!.id}/role`, [['role', 'admin']])).res.status).toBe(404);
    const acmeKey = await createApiKey(platform.control.db, { tenantId: acme, role: 'integrator', label: 'acme only' });
    expect((await gus.post(`/t/globex/admin/api-keys/${acmeKey.id}/revoke`, [])).res.status).toBe(404);
    expect(await platform.keys.verify(acmeKey.apiKey)).toMatchObject({ tenantId: acme });
    expect((await getWebUser(await platform.tenants.get(acme), alan!.id)).disabledAt).toBeNull();
    expect((await findInstallation(platform.control.db, acme, 'acme.widget-board'))?.status).toBe('active');
  });

  it('answers the 404 page for ids and versions that cannot exist, before any lookup', async () => {
    const b = await signedInAdmin();
    await b.get('/t/acme/admin');
    for (const path of [`/t/acme/admin/marketplace/${'a'.repeat(80)}.x`, '/t/acme/admin/marketplace/NOT_AN_ID', '/t/acme/admin/plugins/%E2%80%AE.x/health']) {
      expect((await b.get(path)).res.status, path).toBe(404);
    }
    await b.get('/t/acme/admin/marketplace/acme.widget-board');
    const res = await b.post('/t/acme/admin/marketplace/acme.widget-board/install', [['version', '9'.repeat(100)], ['consent', 'on']]);
    expect(res.res.status).toBe(404);
  });

  it('shows health, then uninstalls after a confirm step', async () => {
    const b = await signedInAdmin();
    const health = await b.get('/t/acme/admin/plugins/acme.widget-board/health');
    expect(health.res.status).toBe(200);
    expect(health.html).toContain('Dead letters');
    const confirm = await b.get('/t/acme/admin/plugins/acme.widget-board/uninstall');
    expect(confirm.html).toContain('Uninstall Widget board?');
    const done = await b.post('/t/acme/admin/plugins/acme.widget-board/uninstall', []);
    expect(done.res.status).toBe(303);
    expect((await findInstallation(platform.control.db, acme, 'acme.widget-board'))?.status).toBe('uninstalled');
    expect((await b.get('/t/acme/admin/plugins/acme.widget-board')).res.status).toBe(404);

    // Its data is kept for the retention period, unless the admin deletes it now (after a confirm step).
    const list = await b.get('/t/acme/admin/plugins?done=uninstalled');
    expect(list.html).toContain('The plugin is uninstalled.');
    expect(list.html).toContain('href="/t/acme/admin/plugins/acme.widget-board/purge"');
    expect((await b.get('/t/acme/admin/plugins/acme.widget-board/purge')).html).toContain('Delete the data of Widget board?');
    const purged = await b.post('/t/acme/admin/plugins/acme.widget-board/purge', []);
    expect(purged.res.headers.get('location')).toBe('/t/acme/admin/plugins?done=purged');
    expect(await findInstallation(platform.control.db, acme, 'acme.widget-board')).toBeUndefined();
    expect((await b.get('/t/acme/admin/plugins/acme.widget-board/purge')).res.status).toBe(404);
  });
});

describe('upgrade, rollback and settings', () => {
  it('asks consent again for what an upgrade adds, shows the difference, and rolls back', async () => {
    await installPlugin(platform.plugins.installer, { tenantId: acme, actor: 'test' }, {
      pluginId: 'acme.widget-board', range: '1.0.0', grantScopes: ['customers:read', 'orders:read', 'cases:write', 'storage'],
      config: { greeting: 'Hello' }, secrets: { API_TOKEN: 'first-token' },
    });
    const b = await signedInAdmin();
    const detail = await b.get('/t/acme/admin/plugins/acme.widget-board');
    expect(detail.html).toContain('href="/t/acme/admin/plugins/acme.widget-board/upgrade"');
    const upgrade = await b.get('/t/acme/admin/plugins/acme.widget-board/upgrade');
    expect(upgrade.html).toContain('From 1.0.0 to 1.1.0');
    expect(upgrade.html).toMatch(/<code>cases:read<\/code><strong class="tag tag--new">new<\/strong>/);
    expect(upgrade.html).toMatch(/<code>api\.example\.net<\/code><strong class="tag tag--new">new<\/strong>/);
    expect(upgrade.html).not.toMatch(/<code>storage<\/code><strong/);
    const grants: [string, string][] = [['version', '1.1.0'], ['grantScopes', 'cases:read'], ['grantEgress', 'api.example.net']];
    const refused = await b.post('/t/acme/admin/plugins/acme.widget-board/upgrade', grants);
    expect(refused.res.status).toBe(422);
    expect(refused.html).toContain('Tick this box to give your consent.');
    expect((await findInstallation(platform.control.db, acme, 'acme.widget-board'))?.version).toBe('1.0.0');
    const done = await b.post('/t/acme/admin/plugins/acme.widget-board/upgrade', [...grants, ['consent', 'on']]);
    expect(done.res.headers.get('location')).toBe('/t/acme/admin/plugins/acme.widget-board?done=upgraded');
    expect(await findInstallation(platform.control.db, acme, 'acme.widget-board')).toMatchObject({ version: '1.1.0', grantedEgress: ['api.example.net'] });

    await b.get('/t/acme/admin/plugins/acme.widget-board');
    const back = await b.post('/t/acme/admin/plugins/acme.widget-board/rollback', []);
    expect(back.res.headers.get('location')).toBe('/t/acme/admin/plugins/acme.widget-board?done=rolledBack');
    expect((await findInstallation(platform.control.db, acme, 'acme.widget-board'))?.version).toBe('1.0.0');
  });

  it('edits settings with errors beside the fields; a blank secret keeps the stored one', async () => {
    const b = await signedInAdmin();
    await b.get('/t/acme/admin/plugins/acme.widget-board');
    const bad = await b.post('/t/acme/admin/plugins/acme.widget-board/settings', [['config.greeting', 'Hey'], ['config.retries', 'many']]);
    expect(bad.res.status).toBe(422);
    expect(bad.html).toMatch(/id="f-config-retries"[^>]*aria-invalid="true"/);
    expect(bad.html).toContain('value="many"');
    const ok = await b.post('/t/acme/admin/plugins/acme.widget-board/settings', [['config.greeting', 'Hey'], ['config.retries', '4'], ['secrets.API_TOKEN', '']]);
    expect(ok.res.status).toBe(303);
    const row = await findInstallation(platform.control.db, acme, 'acme.widget-board');
    expect(row?.config).toMatchObject({ greeting: 'Hey', retries: 4 });
    expect(await readSecrets(platform.control.db, platform.plugins.installer.vault, row!.id)).toEqual({ API_TOKEN: 'first-token' });
  });
});

describe('languages', () => {
  it('every admin page speaks Spanish with no untranslated key', async () => {
    const b = await signedInAdmin();
    for (const path of ['', '/marketplace', '/marketplace/acme.widget-board', '/plugins', '/plugins/acme.widget-board', '/plugins/acme.widget-board/upgrade',
      '/plugins/acme.widget-board/uninstall', '/plugins/acme.widget-board/health', '/users', '/api-keys', '/branding', '/sign-in']) {
      const { res, html } = await b.get(`/t/acme/admin${path}`, { 'accept-language': 'es' });
      expect(res.status, path).toBe(path === '/sign-in' ? 303 : 200);
      if (res.status !== 200) continue;
      expect(html, path).toContain('<html lang="es">');
      expect(html, path).not.toMatch(/>[^<]*\b(admin|staffSignIn|common)\.[a-zA-Z_.]+[^<]*</);
    }
    const anonymous = await browser().get('/t/acme/admin/sign-in', { 'accept-language': 'es' });
    expect(anonymous.html).toContain('Inicia sesión con tu cuenta de administrador.');
  });
});

describe('dead letters', () => {
  it('lists a dead letter on the health page and replays it, audited; another tenant cannot', async () => {
    const data = await platform.tenants.get(acme);
    const eventId = '0b5c1f7e-1d2a-4c3b-9a8f-000000000001';
    const now = new Date();
    await data.db.insert(outbox).values({ id: eventId, type: 'customer.created', subjectId: 'c1', actor: 'test', payload: {}, createdAt: now, dispatchedAt: now });
    await data.db.insert(eventDeliveries).values({ eventId, pluginId: 'acme.widget-board', status: 'dead', attempts: 8, nextAttemptAt: now, lastError: 'gave up', updatedAt: now });

    const gus = await signedInAdmin('globex', 'gus@globex.test');
    await gus.get('/t/globex/admin');
    expect((await gus.post(`/t/globex/admin/plugins/acme.widget-board/dead-letters/${eventId}/replay`, [])).res.status).toBe(404);

    const b = await signedInAdmin();
    const health = await b.get('/t/acme/admin/plugins/acme.widget-board/health');
    expect(health.html).toContain('<code>customer.created</code> · 8 attempts');
    expect(health.html).toContain(`action="/t/acme/admin/plugins/acme.widget-board/dead-letters/${eventId}/replay"`);
    const replayed = await b.post(`/t/acme/admin/plugins/acme.widget-board/dead-letters/${eventId}/replay`, []);
    expect(replayed.res.headers.get('location')).toBe('/t/acme/admin/plugins/acme.widget-board/health?done=replayed');
    const audit = await platform.control.db.select().from(auditLog).where(and(eq(auditLog.tenantId, acme), eq(auditLog.action, 'plugin.replay')));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.detail).toEqual({ eventId });
  });
});

describe('users, keys and branding', () => {
  it('creates a user with errors beside the fields, then disables them', async () => {
    const b = await signedInAdmin();
    await b.get('/t/acme/admin/users');
    const bad = await b.post('/t/acme/admin/users', [['name', 'Bea'], ['email', 'not-an-email'], ['role', 'agent'], ['password', 'short']]);
    expect(bad.res.status).toBe(422);
    expect(bad.html).toContain('id="f-email-error"');
    expect(bad.html).toContain('id="f-password-error"');
    expect(bad.html).toContain('value="Bea"');
    const ok = await b.post('/t/acme/admin/users', [['name', 'Bea'], ['email', 'bea@acme.test'], ['role', 'agent'], ['password', 'long enough password']]);
    expect(ok.res.status).toBe(303);
    const page = await b.get('/t/acme/admin/users');
    const id = /action="\/t\/acme\/admin\/users\/([0-9a-f-]+)\/disable"[\s\S]*?Disable Bea/.exec(page.html)?.[1]
      ?? [...page.html.matchAll(/users\/([0-9a-f-]{36})\/disable/g)].map((m) => m[1]).at(-1);
    const disabled = await b.post(`/t/acme/admin/users/${id}/disable`, []);
    expect(disabled.res.status).toBe(303);
    expect((await b.get('/t/acme/admin/users')).html).toMatch(/Disabled since/);
  });

  it('shows a new API key once and revokes it', async () => {
    const b = await signedInAdmin();
    await b.get('/t/acme/admin/api-keys');
    const created = await b.post('/t/acme/admin/api-keys', [['label', 'CRM sync'], ['role', 'integrator']]);
    expect(created.res.status).toBe(200);
    const key = /value="(mos_[0-9a-f]{32}_[A-Za-z0-9_-]{43})"/.exec(created.html)?.[1];
    expect(key).toBeDefined();
    expect(await platform.keys.verify(key!)).toMatchObject({ role: 'integrator' });
    const again = await b.get('/t/acme/admin/api-keys');
    expect(again.html).not.toContain(key!);
    const id = /api-keys\/([0-9a-f-]{36})\/revoke/.exec(again.html)![1];
    expect((await b.post(`/t/acme/admin/api-keys/${id}/revoke`, [])).res.status).toBe(303);
    expect(await platform.keys.verify(key!)).toBeNull();
    const [alan] = await listWebUsers(await platform.tenants.get(acme), { id: 'test', role: 'admin' }, 'agent');
    const wrongRole = await b.post('/t/acme/admin/api-keys', [['label', 'Desk'], ['role', 'integrator'], ['agentId', alan!.agentId!]]);
    expect(wrongRole.res.status).toBe(422);
    expect(wrongRole.html).toContain('id="f-agentId-error"');
    const unknown = await b.post('/t/acme/admin/api-keys', [['label', 'Desk'], ['role', 'agent'], ['agentId', '00000000-0000-4000-8000-000000000000']]);
    expect(unknown.res.status).toBe(422);
    const tied = await b.post('/t/acme/admin/api-keys', [['label', 'Desk'], ['role', 'agent'], ['agentId', alan!.agentId!]]);
    const tiedKey = /value="(mos_[0-9a-f]{32}_[A-Za-z0-9_-]{43})"/.exec(tied.html)![1]!;
    expect(await platform.keys.verify(tiedKey)).toMatchObject({ role: 'agent', agentId: alan!.agentId });
    const actions = (await platform.control.db.select().from(auditLog).where(eq(auditLog.tenantId, acme))).map((a) => `${a.action} ${a.actor.slice(0, 4)}`);
    expect(actions).toEqual(expect.arrayContaining(['api_key.create web:', 'api_key.revoke web:', 'web_user.create web:', 'web_user.disable web:']));
  });

  it('refuses a colour white text cannot be read on, beside the field, and saves a good one', async () => {
    const b = await signedInAdmin();
    await b.get('/t/acme/admin/branding');
    const fields = (primary: string) => {
      const f = new FormData();
      for (const [k, v] of [['displayName', 'Acme Help'], ['primaryColor', primary], ['accentColor', '#1d5fb4'], ['enabledLocales', 'en'], ['enabledLocales', 'es'], ['defaultLocale', 'es'], ['customDomain', '']]) f.append(k!, v!);
      return f;
    };
    const bad = await b.post('/t/acme/admin/branding', fields('#ffff00'));
    expect(bad.res.status).toBe(422);
    expect(bad.html).toContain('id="f-primaryColor-error">White text on #ffff00 has contrast 1.07:1; buttons need at least 4.5:1. Choose a darker colour.</p>');
    await b.get('/t/acme/admin/branding', { 'accept-language': 'es' });
    const inSpanish = await b.post('/t/acme/admin/branding', fields('#ffff00'), { 'accept-language': 'es' });
    expect(inSpanish.html).toMatch(/id="f-primaryColor-error">El texto blanco sobre #ffff00 tiene un contraste de 1,07:1; los botones necesitan al menos 4,5:1/);
    expect(bad.html).toContain('value="Acme Help"');
    const big = fields('#1f3a5f');
    big.append('logo', new File([Buffer.alloc(70 * 1024)], 'logo.png', { type: 'image/png' }));
    expect((await b.post('/t/acme/admin/branding', big)).html).toContain('The logo is larger than 64 KiB.');
    const logo = fields('#1f3a5f');
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(60 * 1024)]);
    logo.append('logo', new File([png], 'logo.png', { type: 'image/png' }));
    const ok = await b.post('/t/acme/admin/branding', logo);
    expect(ok.res.status).toBe(303);
    const saved = await readBranding(await platform.tenants.get(acme));
    expect(saved).toMatchObject({ displayName: 'Acme Help', primaryColor: '#1f3a5f', defaultLocale: 'es' });
    expect(saved.logoDataUrl).toBe(`data:image/png;base64,${png.toString('base64')}`);
    // The pages take it at once: the Spanish default, the name in the header.
    expect((await b.get('/t/acme/admin/branding')).html).toMatch(/<html lang="es">[\s\S]*<span>Acme Help<\/span>/);
  });
});
