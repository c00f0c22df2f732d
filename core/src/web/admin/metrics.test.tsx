import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue } from '../../domain/agents.js';
import { createCase, updateCase } from '../../domain/cases.js';
import { createCustomer } from '../../domain/customers.js';
import { rateCase } from '../../domain/metrics/index.js';
import type { TenantContext } from '../../tenancy/context.js';
import { createTenant } from '../../tenancy/tenants.js';
import { createStaffUser } from '../../tenancy/web-users.js';
import { WebVisitor } from '../testing/web-visitor.js';
import { startWebTestServer, type WebTestServer } from '../testing/web-test-server.js';

let web: WebTestServer;
const PASSWORD = 'correct horse battery';

async function signedIn(slug: string, email: string) {
  const visitor = new WebVisitor(web.server.url);
  await visitor.get(`/t/${slug}/admin/sign-in`);
  const { res } = await visitor.post(`/t/${slug}/admin/sign-in`, [['email', email], ['password', PASSWORD]]);
  expect(res.status).toBe(303);
  return visitor;
}

beforeAll(async () => {
  web = await startWebTestServer();
  const { platform } = web;
  const bootstrap = { id: 'bootstrap', role: 'admin' as const };
  for (const [slug, prefix] of [['north', 'n'], ['south', 's']] as const) {
    const { tenant } = await createTenant(platform.control.db, platform.tenants, { slug, name: slug });
    const data = await platform.tenants.get(tenant.id);
    await createStaffUser(data, bootstrap, { role: 'admin', name: 'Ada', email: `${prefix}-admin@example.test`, password: PASSWORD });
    await createStaffUser(data, bootstrap, { role: 'agent', name: 'Alan', email: `${prefix}-agent@example.test`, password: PASSWORD });
    if (slug !== 'north') continue;
    const ctx: TenantContext = { tenantId: tenant.id, tenantSlug: slug, role: 'admin', actor: 'system', data };
    const customer = await createCustomer(ctx, { name: 'Rita' });
    const returns = await createQueue(ctx, { name: 'Returns <desk>' });
    const kase = await createCase(ctx, { customerId: customer.id, subject: 'Kettle', queueId: returns.id, channel: 'EMAIL' });
    await createCase(ctx, { customerId: customer.id, subject: 'Toaster', channel: 'CHAT' });
    await updateCase(ctx, kase.id, { status: 'SOLVED' });
    await rateCase(ctx, { caseId: kase.id, rating: 5 });
  }
}, 120_000);
afterAll(() => web?.close());

describe('the managers\' dashboard', () => {
  it('shows the period\'s figures, two server-drawn charts and the table', async () => {
    const admin = await signedIn('north', 'n-admin@example.test');
    const { res, html } = await admin.get('/t/north/admin/metrics?range=7&groupBy=DAY&tz=Europe%2FBerlin');
    expect(res.status).toBe(200);
    expect(html).toMatch(/Cases created<\/span><span class="metric-value">2</);
    expect(html).toMatch(/Cases solved<\/span><span class="metric-value">1</);
    expect(html).toMatch(/Open at the end<\/span><span class="metric-value">1</);
    expect(html).toMatch(/Satisfaction \(1–5\)<\/span><span class="metric-value">5</);
    expect([...html.matchAll(/<svg class="chart"[^>]*role="img"/g)]).toHaveLength(2);
    // Seven local days, today's with the cases.
    expect([...html.matchAll(/<th scope="row" class="cell--title">\d{4}-\d{2}-\d{2}<\/th>/g)]).toHaveLength(7);
    expect(html).toContain('<title>');
    expect(html).not.toContain('style=');
  });

  it('groups by queue with escaped names and a row for cases without one, in Spanish too', async () => {
    const admin = await signedIn('north', 'n-admin@example.test');
    const { html } = await admin.get('/t/north/admin/metrics?groupBy=QUEUE');
    expect(html).toContain('Returns &lt;desk&gt;');
    expect(html).not.toContain('Returns <desk>');
    expect(html).toContain('No queue');
    const es = await admin.get('/t/north/admin/metrics?groupBy=CHANNEL', { 'accept-language': 'es' });
    expect(es.html).toContain('Casos creados');
    expect(es.html).toContain('Correo');
  });

  it('answers a filter it cannot read with the form and its error, 422', async () => {
    const admin = await signedIn('north', 'n-admin@example.test');
    const zone = await admin.get('/t/north/admin/metrics?tz=Mars%2FOlympus');
    expect(zone.res.status).toBe(422);
    expect(zone.html).toContain('This is not a time zone we know');
    expect(zone.html).toMatch(/aria-invalid="true"/);
    expect(zone.html).toContain('value="Mars/Olympus"');
    const grouping = await admin.get('/t/north/admin/metrics?groupBy=YEAR&range=3');
    expect(grouping.res.status).toBe(422);
    expect(grouping.html).not.toContain('<svg class="chart"');
  });

  it('is for admins only, and each tenant sees its own figures', async () => {
    // An agent cannot sign in to the admin pages, and nobody reaches the page signed out.
    const agent = new WebVisitor(web.server.url);
    await agent.get('/t/north/admin/sign-in');
    const refused = await agent.post('/t/north/admin/sign-in', [['email', 'n-agent@example.test'], ['password', PASSWORD]]);
    expect(refused.res.status).toBe(422);
    const anonymous = await agent.get('/t/north/admin/metrics');
    expect(anonymous.res.status).toBe(303);
    expect(anonymous.html).not.toContain('metric-value');
    const south = await signedIn('south', 's-admin@example.test');
    const { html } = await south.get('/t/south/admin/metrics');
    expect(html).toMatch(/Cases created<\/span><span class="metric-value">0</);
  });
});
