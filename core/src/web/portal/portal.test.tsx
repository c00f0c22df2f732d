import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateCase } from '../../domain/cases.js';
import { createArticle } from '../../domain/knowledge.js';
import { createOrder } from '../../domain/orders.js';
import type { RunningServer } from '../../http/server.js';
import type { Platform } from '../../platform.js';
import type { TenantContext } from '../../tenancy/context.js';
import { createTenant } from '../../tenancy/tenants.js';
import { createStaffUser, listMail } from '../session/index.js';
import { WebVisitor } from '../testing/web-visitor.js';
import { startWebTestServer, type WebTestServer } from '../testing/web-test-server.js';

let web: WebTestServer;
let platform: Platform;
let server: RunningServer;
let admin: TenantContext;

/** A browser of one person on the test server. */
const visitor = (headers: Record<string, string> = {}) => new WebVisitor(server.url, headers);

async function signedUp(name: string, email: string): Promise<WebVisitor> {
  const v = visitor();
  await v.get('/t/acme/portal/sign-up');
  const res = await v.post('/t/acme/portal/sign-up', { name, email, password: 'correct horse battery' });
  expect(res.status).toBe(303);
  return v;
}

beforeAll(async () => {
  web = await startWebTestServer();
  ({ platform, server } = web);
  const { tenant } = await createTenant(platform.control.db, platform.tenants, { slug: 'acme', name: 'Acme' });
  await createTenant(platform.control.db, platform.tenants, { slug: 'globex', name: 'Globex' });
  admin = { tenantId: tenant.id, tenantSlug: 'acme', role: 'admin', actor: 'system', data: await platform.tenants.get(tenant.id) };
  await createArticle(admin, { title: 'Track your parcel', body: 'Open the order page to follow the parcel.\n\nThe map shows where it is.', status: 'PUBLISHED' });
  await createArticle(admin, { title: 'Seguir su paquete', body: 'Abra la página del pedido para seguir el paquete.', status: 'PUBLISHED', locale: 'es' });
  await createArticle(admin, { title: 'Parcel draft notes', body: 'internal parcel notes', status: 'DRAFT' });
}, 60_000);
afterAll(async () => {
  await web?.close();
});

describe('portal', () => {
  it('signs a customer up, out and in again; a wrong password answers 422 with the email kept', async () => {
    const v = await signedUp('Ana Customer', 'ana@example.com');
    expect((await v.get('/t/acme/portal')).html).toContain('Ana Customer');
    expect((await v.post('/t/acme/portal/sign-out', {})).status).toBe(303);
    expect((await v.get('/t/acme/portal')).html).not.toContain('Ana Customer');
    await v.get('/t/acme/portal/sign-in');
    const bad = await v.post('/t/acme/portal/sign-in', { email: 'ana@example.com', password: 'wrong password!' });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('value="ana@example.com"');
    expect(bad.html).not.toContain('wrong password!');
    const good = await v.post('/t/acme/portal/sign-in', { email: 'ana@example.com', password: 'correct horse battery', next: '/t/acme/portal/cases' });
    expect(good).toMatchObject({ status: 303, location: '/t/acme/portal/cases' });
  });

  it('refuses a bad sign-up beside the field, and a form without its token', async () => {
    const v = visitor();
    await v.get('/t/acme/portal/sign-up');
    const res = await v.post('/t/acme/portal/sign-up', { name: 'Bo', email: 'not-an-email', password: 'short' });
    expect(res.status).toBe(422);
    expect(res.html).toMatch(/aria-invalid="true" aria-describedby="f-email-error"/);
    expect(res.html).toContain('value="Bo"');
    v.csrf = 'forged';
    expect((await v.post('/t/acme/portal/sign-up', { name: 'Bo', email: 'bo@example.com', password: 'long enough pw' })).status).toBe(403);
  });

  it('mails a reset link that sets a new password once', async () => {
    await signedUp('Reset Me', 'reset@example.com');
    const v = visitor();
    await v.get('/t/acme/portal/forgot');
    expect((await v.post('/t/acme/portal/forgot', { email: 'reset@example.com' })).location).toBe('/t/acme/portal/forgot?sent=1');
    const mail = (await listMail(admin.data)).find((m) => m.to === 'reset@example.com')!;
    const link = new URL(/http\S+/.exec(mail.text)![0]);
    expect(link.pathname).toBe('/t/acme/portal/reset');
    await v.get(link.pathname + link.search);
    expect((await v.post('/t/acme/portal/reset', { token: link.searchParams.get('token')!, password: 'a brand new password' })).status).toBe(303);
    await v.get(link.pathname + link.search);
    const again = await v.post('/t/acme/portal/reset', { token: link.searchParams.get('token')!, password: 'another new password' });
    expect(again.status).toBe(422);
  });

  it('finds published articles only, the visitor\'s language first, and counts one rating per customer', async () => {
    const v = await signedUp('Rater', 'rater@example.com');
    const found = await v.get('/t/acme/portal/knowledge?q=parcel');
    expect(found.html).toContain('Track your parcel');
    expect(found.html).not.toContain('draft notes');
    const es = visitor({ 'accept-language': 'es' });
    const html = (await es.get('/t/acme/portal/knowledge')).html;
    expect(html.indexOf('Seguir su paquete')).toBeLessThan(html.indexOf('Track your parcel'));
    const id = /href="\/t\/acme\/portal\/knowledge\/([^"]+)">Track your parcel/.exec(found.html)![1]!;
    await v.get(`/t/acme/portal/knowledge/${id}`);
    expect((await v.post(`/t/acme/portal/knowledge/${id}/rating`, { helpful: 'yes' })).status).toBe(303);
    await v.post(`/t/acme/portal/knowledge/${id}/rating`, { helpful: 'yes' });
    const page = await v.get(`/t/acme/portal/knowledge/${id}`);
    expect(page.html).toContain('1 person found this helpful');
    expect(page.html).toContain('You found this article helpful.');
  });

  it('shows suggested articles before a case is sent, then the case and its conversation; another customer gets 404', async () => {
    const v = await signedUp('Case Owner', 'owner@example.com');
    await v.get('/t/acme/portal/cases/new');
    const live = await v.get('/t/acme/portal/cases/suggestions?subject=parcel');
    expect(live.html).toContain('Track your parcel');
    const confirm = await v.post('/t/acme/portal/cases/new', { subject: 'Where is my parcel', description: 'It is late.' });
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('Track your parcel');
    expect(confirm.html).toContain('name="confirmed" value="1"');
    const sent = await v.post('/t/acme/portal/cases/new', { subject: 'Where is my parcel', description: 'It is late.', confirmed: '1' });
    expect(sent.status).toBe(303);
    const casePath = sent.location!.split('?')[0]!;
    await v.get(casePath);
    expect((await v.post(`${casePath}/replies`, { body: 'Any news?' })).status).toBe(303);
    expect((await v.get(casePath)).html).toContain('Any news?');
    const empty = await v.post(`${casePath}/replies`, { body: '  ' });
    expect(empty.status).toBe(422);
    await updateCase(admin, casePath.split('/').pop()!, { status: 'CLOSED' });
    expect(await v.post(`${casePath}/replies`, { body: 'Still there?' })).toMatchObject({ status: 303, location: casePath });
    const closed = await v.get(casePath);
    expect(closed.html).toContain('This case is closed.');
    expect(closed.html).not.toContain('Still there?');

    const other = await signedUp('Other', 'other@example.com');
    expect((await other.get(casePath)).status).toBe(404);
    await other.get('/t/acme/portal/cases');
    expect((await other.post(`${casePath}/replies`, { body: 'hijack' })).status).toBe(404);
    expect((await other.get('/t/acme/portal/cases/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('keeps tenants apart: another tenant\'s case id is a 404 there, and a session does not carry over', async () => {
    const v = await signedUp('Two Shops', 'two@example.com');
    await v.get('/t/acme/portal/cases/new');
    const sent = await v.post('/t/acme/portal/cases/new', { subject: 'Zebra question', description: 'x', confirmed: '1' });
    const caseId = sent.location!.split('/').pop()!.split('?')[0]!;
    const globex = visitor();
    await globex.get('/t/globex/portal/sign-up');
    expect((await globex.post('/t/globex/portal/sign-up', { name: 'G', email: 'g@example.com', password: 'correct horse battery' })).status).toBe(303);
    expect((await globex.get(`/t/globex/portal/cases/${caseId}`)).status).toBe(404);
    // The acme cookie is scoped to /t/acme/ and its session lives in acme's database only.
    const res = await fetch(`${server.url}/t/globex/portal/cases`, { redirect: 'manual', headers: { cookie: v.cookieHeader() } });
    expect(res.status).toBe(303);
  });

  it('refuses a staff account at the portal sign-in and a sign-out without its token', async () => {
    await createStaffUser(admin.data, { id: 'system', role: 'admin' }, { role: 'agent', name: 'Agent', email: 'agent@example.com', password: 'agent password 1' });
    const v = visitor();
    await v.get('/t/acme/portal/sign-in');
    const res = await v.post('/t/acme/portal/sign-in', { email: 'agent@example.com', password: 'agent password 1' });
    expect(res.status).toBe(422);
    expect(res.html).toContain('This page is for customer accounts.');
    expect([...v.cookies.keys()]).not.toContain('mosaic_session');
    const customer = await signedUp('Leaving', 'leaving@example.com');
    customer.csrf = '';
    expect((await customer.post('/t/acme/portal/sign-out', {})).status).toBe(403);
    expect((await customer.get('/t/acme/portal')).html).toContain('Leaving');
  });

  it('sends visitors to sign in for cases and orders', async () => {
    const res = await visitor().get('/t/acme/portal/orders');
    expect(res).toMatchObject({ status: 303, location: '/t/acme/portal/sign-in?next=%2Ft%2Facme%2Fportal%2Forders' });
  });

  it('shows the customer\'s orders with money per locale, and 404 for anyone else\'s', async () => {
    const v = await signedUp('Buyer', 'buyer@example.com');
    const me = await v.get('/t/acme/portal');
    expect(me.status).toBe(200);
    const [user] = await admin.data.client.execute({ sql: 'select customer_id from web_users where email = ?', args: ['buyer@example.com'] }).then((r) => r.rows);
    const order = await createOrder(admin, { customerId: String(user!.customer_id), currency: 'EUR', lines: [{ sku: 'A-1', name: 'Lamp', quantity: 2, unitPriceCents: 123456 }] });
    expect((await v.get('/t/acme/portal/orders')).html).toContain(`Order ${order.number}`);
    const page = await v.get(`/t/acme/portal/orders/${order.id}`);
    expect(page.html).toContain('€2,469.12');
    await v.post('/t/acme/locale', { locale: 'es', back: `/t/acme/portal/orders/${order.id}` });
    expect((await v.get(`/t/acme/portal/orders/${order.id}`)).html).toMatch(/2469,12\s€/);
    const other = await signedUp('Stranger', 'stranger@example.com');
    expect((await other.get(`/t/acme/portal/orders/${order.id}`)).status).toBe(404);
  });

  it('votes on another customer\'s forum post once, and refuses a vote on one\'s own', async () => {
    const author = await signedUp('Author', 'author@example.com');
    await author.get('/t/acme/portal/community/new');
    const made = await author.post('/t/acme/portal/community/new', { title: 'Best lamp?', body: 'Which lamp do you like?' });
    expect(made.status).toBe(303);
    const thread = await author.get(made.location!);
    const postId = /id="post-([^"]+)"/.exec(thread.html)![1]!;
    expect(thread.html).not.toContain('/vote');
    expect((await author.post(`/t/acme/portal/community/posts/${postId}/vote`, { value: '1' })).status).toBe(400);
    const voter = await signedUp('Voter', 'voter@example.com');
    await voter.get(made.location!);
    await voter.post(`/t/acme/portal/community/posts/${postId}/vote`, { value: '1' });
    await voter.post(`/t/acme/portal/community/posts/${postId}/vote`, { value: '1' });
    expect((await voter.get(made.location!)).html).toContain('Score: 1');
    // A cursor edited by hand shows the first page instead of failing.
    const listed = await voter.get('/t/acme/portal/community?after=not-a-cursor');
    expect(listed.status).toBe(200);
    expect(listed.html).toContain('Best lamp?');
  });
});
