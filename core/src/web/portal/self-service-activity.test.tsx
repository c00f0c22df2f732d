import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc } from 'drizzle-orm';
import { knowledgeActivity } from '../../db/tenant-schema.js';
import { createArticle } from '../../domain/knowledge.js';
import { deflectionRate } from '../../domain/knowledge/deflection.js';
import type { TenantContext } from '../../tenancy/context.js';
import { createTenant } from '../../tenancy/tenants.js';
import { WebVisitor } from '../testing/web-visitor.js';
import { startWebTestServer, type WebTestServer } from '../testing/web-test-server.js';

let web: WebTestServer;
let admin: TenantContext;
let articleId: string;

const activity = () => admin.data.db.select().from(knowledgeActivity).orderBy(asc(knowledgeActivity.at));
/** Recording follows the answer; wait until the expected rows are there. */
async function until(count: number) {
  for (let i = 0; i < 100 && (await activity()).length < count; i++) await new Promise((r) => setTimeout(r, 20));
  return activity();
}

beforeAll(async () => {
  web = await startWebTestServer();
  const { tenant } = await createTenant(web.platform.control.db, web.platform.tenants, { slug: 'help', name: 'KB' });
  admin = { tenantId: tenant.id, tenantSlug: 'help', role: 'admin', actor: 'system', data: await web.platform.tenants.get(tenant.id) };
  articleId = (await createArticle(admin, { title: 'Descale your kettle', body: 'Vinegar and water, then rinse twice.', visibility: 'PUBLIC' })).id;
}, 60_000);
afterAll(() => web?.close());

describe('portal self-service activity, for deflection', () => {
  it('records searches and views of an anonymous browser under one visitor cookie, and its later case too', async () => {
    const v = new WebVisitor(web.server.url);
    await v.get('/t/help/portal/knowledge');
    expect(await activity()).toHaveLength(0);
    await v.get('/t/help/portal/knowledge?q=kettle');
    await v.get(`/t/help/portal/knowledge/${articleId}`);
    const seen = await until(2);
    expect(seen.map((a) => [a.kind, a.articleId, a.customerId])).toEqual([['SEARCH', null, null], ['VIEW', articleId, null]]);
    expect(seen[0]!.visitor).toBe(seen[1]!.visitor);
    expect(seen[0]!.visitor).toMatch(/^[A-Za-z0-9_-]{24}$/);

    await v.get('/t/help/portal/sign-up');
    expect((await v.post('/t/help/portal/sign-up', { name: 'Kim', email: 'kim@example.com', password: 'correct horse battery' })).status).toBe(303);
    await v.get('/t/help/portal/cases/new');
    expect((await v.post('/t/help/portal/cases/new', { subject: 'Kettle still scaly', description: 'Did not help.', confirmed: '1' })).status).toBe(303);
    const after = await until(3);
    expect(after[2]).toMatchObject({ kind: 'CASE', visitor: seen[0]!.visitor });
    expect(after[2]!.customerId).not.toBeNull();
    // So the search and the view did not deflect this case.
    const stats = await deflectionRate(admin, new Date(Date.now() - 3_600_000), new Date(Date.now() + 1_000), { now: new Date(Date.now() + 25 * 3_600_000) });
    expect(stats).toMatchObject({ events: 2, deflected: 0 });
  });

  it('never takes a visitor id it did not hand out', async () => {
    const v = new WebVisitor(web.server.url, { cookie: 'mosaic_visitor=<script>' });
    await v.get('/t/help/portal/knowledge?q=vinegar');
    const rows = await until(4);
    expect(rows[3]!.visitor).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(rows[3]!.visitor).not.toBe(rows[0]!.visitor);
  });
});
