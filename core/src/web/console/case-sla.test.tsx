import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase, updateCase } from '../../domain/cases.js';
import { createCustomer } from '../../domain/customers.js';
import { addInteraction } from '../../domain/interactions.js';
import { createAgent } from '../../domain/agents.js';
import { createSlaPolicy } from '../../domain/sla/index.js';
import type { TenantContext } from '../../tenancy/context.js';
import { createTenant } from '../../tenancy/tenants.js';
import { createStaffUser } from '../session/index.js';
import { WebVisitor } from '../testing/web-visitor.js';
import { startWebTestServer, type WebTestServer } from '../testing/web-test-server.js';

let web: WebTestServer;
let admin: TenantContext;
let agentId: string;
let customerId: string;
const C = '/t/desk/console';

async function signedInAgent(): Promise<WebVisitor> {
  const v = new WebVisitor(web.server.url);
  const res = await v.fetch(`${C}/sign-in`, { form: { _csrf: await v.tokenOf(`${C}/sign-in`), email: 'abe@example.com', password: 'agent password 1' } });
  expect(res.status).toBe(303);
  return v;
}

beforeAll(async () => {
  web = await startWebTestServer();
  const { tenant } = await createTenant(web.platform.control.db, web.platform.tenants, { slug: 'desk', name: 'Desk' });
  const data = await web.platform.tenants.get(tenant.id);
  admin = { tenantId: tenant.id, tenantSlug: 'desk', role: 'admin', actor: 'system', data };
  await createStaffUser(data, { id: 'setup', role: 'admin' }, { role: 'agent', name: 'Abe Agent', email: 'abe@example.com', password: 'agent password 1' });
  agentId = (await createAgent(admin, { name: 'Abe', email: 'abe.agent@example.com' })).id;
  customerId = (await createCustomer(admin, { name: 'Sal' })).id;
  await createSlaPolicy(admin, { name: 'Social', conditions: { channels: ['SOCIAL'] }, targets: [
    { kind: 'FIRST_RESPONSE', minutes: 60, businessHours: false }, { kind: 'RESOLUTION', minutes: 1440, businessHours: false },
  ] });
}, 60_000);
afterAll(() => web?.close());

describe('the console case page', () => {
  it('shows each SLA clock: running with its due time, then met once an agent answers', async () => {
    const kase = await createCase(admin, { customerId, subject: 'Angry tweet', channel: 'SOCIAL' });
    const v = await signedInAgent();
    const before = (await v.get(`${C}/cases/${kase.id}`)).html;
    expect(before).toContain('Service levels');
    expect(before).toMatch(/<dt>First response<\/dt><dd class="sla sla--active">Running, due <time datetime="[^"]+">/);
    expect(before).toMatch(/<dt>Resolution<\/dt><dd class="sla sla--active">/);
    await addInteraction(admin, { customerId, caseId: kase.id, channel: 'SOCIAL', direction: 'OUTBOUND', body: 'Sorry, on it', agentId });
    await updateCase(admin, kase.id, { status: 'PENDING' });
    const after = (await v.get(`${C}/cases/${kase.id}`)).html;
    expect(after).toMatch(/<dt>First response<\/dt><dd class="sla sla--hit">Met <time/);
    expect(after).toMatch(/<dt>Resolution<\/dt><dd class="sla sla--paused">Paused while we wait on the customer/);
  });

  it('says so when no policy applies', async () => {
    const kase = await createCase(admin, { customerId, subject: 'A question', channel: 'EMAIL' });
    const v = await signedInAgent();
    expect((await v.get(`${C}/cases/${kase.id}`)).html).toContain('No SLA policy applies to this case.');
  });
});
