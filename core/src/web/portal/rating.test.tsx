import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateCase } from '../../domain/cases.js';
import { surveyOf } from '../../domain/metrics/index.js';
import type { TenantContext } from '../../tenancy/context.js';
import { createTenant } from '../../tenancy/tenants.js';
import { WebVisitor } from '../testing/web-visitor.js';
import { startWebTestServer, type WebTestServer } from '../testing/web-test-server.js';

let web: WebTestServer;
let admin: TenantContext;

async function customerWithCase(email: string): Promise<{ v: WebVisitor; caseId: string }> {
  const v = new WebVisitor(web.server.url);
  await v.get('/t/shop/portal/sign-up');
  expect((await v.post('/t/shop/portal/sign-up', { name: 'Rae', email, password: 'correct horse battery' })).status).toBe(303);
  await v.get('/t/shop/portal/cases/new');
  const sent = await v.post('/t/shop/portal/cases/new', { subject: 'Dented kettle', description: 'It arrived dented.', confirmed: '1' });
  expect(sent.status).toBe(303);
  return { v, caseId: /cases\/([^?]+)/.exec(sent.location!)![1]! };
}

beforeAll(async () => {
  web = await startWebTestServer();
  const { tenant } = await createTenant(web.platform.control.db, web.platform.tenants, { slug: 'shop', name: 'Shop' });
  admin = { tenantId: tenant.id, tenantSlug: 'shop', role: 'admin', actor: 'system', data: await web.platform.tenants.get(tenant.id) };
}, 60_000);
afterAll(() => web?.close());

describe('rating a solved case in the portal', () => {
  it('asks only once the case is solved, takes one rating and then thanks', async () => {
    const { v, caseId } = await customerWithCase('rae@example.com');
    const open = await v.get(`/t/shop/portal/cases/${caseId}`);
    expect(open.html).not.toContain('How did we do?');
    // A rating posted while the case is open changes nothing.
    expect((await v.post(`/t/shop/portal/cases/${caseId}/rating`, { rating: '5' })).status).toBe(303);
    expect(await surveyOf(admin, caseId)).toBeNull();

    await updateCase(admin, caseId, { status: 'SOLVED' });
    const solved = await v.get(`/t/shop/portal/cases/${caseId}`);
    expect(solved.html).toContain('How did we do?');
    expect([...solved.html.matchAll(/type="radio" value="\d"/g)]).toHaveLength(5);

    const bad = await v.post(`/t/shop/portal/cases/${caseId}/rating`, { rating: '9', comment: 'kept' });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('Choose how satisfied you are, from 1 to 5.');
    expect(bad.html).toContain('kept');

    const rated = await v.post(`/t/shop/portal/cases/${caseId}/rating`, { rating: '4', comment: 'Replaced quickly' });
    expect(rated).toMatchObject({ status: 303, location: `/t/shop/portal/cases/${caseId}?rated=1#rating-heading` });
    expect((await v.get(`/t/shop/portal/cases/${caseId}?rated=1`)).html).toContain('You rated this case 4 out of 5. Thank you.');
    expect(await v.post(`/t/shop/portal/cases/${caseId}/rating`, { rating: '1' })).toMatchObject({ status: 303, location: `/t/shop/portal/cases/${caseId}` });
    expect(await surveyOf(admin, caseId)).toMatchObject({ rating: 4, comment: 'Replaced quickly' });
  });

  it('never rates another customer\'s case, and asks for the form\'s token', async () => {
    const { caseId } = await customerWithCase('owner@example.com');
    await updateCase(admin, caseId, { status: 'SOLVED' });
    const { v: stranger } = await customerWithCase('stranger@example.com');
    expect((await stranger.post(`/t/shop/portal/cases/${caseId}/rating`, { rating: '1' })).status).toBe(404);
    stranger.csrf = 'forged';
    expect((await stranger.post(`/t/shop/portal/cases/${caseId}/rating`, { rating: '1' })).status).toBe(403);
    expect(await surveyOf(admin, caseId)).toBeNull();
  });
});
