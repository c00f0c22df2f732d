import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAgent } from '../../domain/agents.js';
import { presenceOf } from '../../domain/routing/index.js';
import type { TenantContext } from '../../tenancy/context.js';
import { createTenant } from '../../tenancy/tenants.js';
import { createStaffUser } from '../session/index.js';
import { WebVisitor } from '../testing/web-visitor.js';
import { startWebTestServer, type WebTestServer } from '../testing/web-test-server.js';

let web: WebTestServer;
let admin: TenantContext;
let abeAgentId: string;
const C = '/t/presence-co/console';

async function signedIn(email: string, password: string): Promise<WebVisitor> {
  const v = new WebVisitor(web.server.url);
  expect((await v.signIn('presence-co', 'console', email, password)).status).toBe(303);
  return v;
}

/** The presence the switch on this page shows as chosen. */
const shownPresence = (html: string) => /<option value="([A-Z]+)" selected="">/.exec(html.slice(html.indexOf('presence-switch')))?.[1];

beforeAll(async () => {
  web = await startWebTestServer();
  const { tenant } = await createTenant(web.platform.control.db, web.platform.tenants, { slug: 'presence-co', name: 'Presence Co' });
  const data = await web.platform.tenants.get(tenant.id);
  admin = { tenantId: tenant.id, tenantSlug: 'presence-co', role: 'admin', actor: 'system', data };
  const abe = await createStaffUser(data, { id: 'setup', role: 'admin' }, { role: 'agent', name: 'Abe Agent', email: 'abe@example.com', password: 'agent password 1' });
  abeAgentId = abe.agentId!;
  await createStaffUser(data, { id: 'setup', role: 'admin' }, { role: 'admin', name: 'Ann Admin', email: 'ann@example.com', password: 'admin password 1' });
}, 60_000);
afterAll(() => web?.close());

describe('the console presence switch', () => {
  it('shows the current presence on every console page and changes it without JavaScript', async () => {
    const v = await signedIn('abe@example.com', 'agent password 1');
    for (const path of [C, `${C}/customers`]) {
      const { status, html } = await v.get(path);
      expect(status, path).toBe(200);
      expect(html).toContain(`<form method="post" action="${C}/presence" class="presence-switch">`);
      expect(shownPresence(html), path).toBe('OFFLINE');
    }
    const set = await v.post(`${C}/presence`, { presence: 'AVAILABLE', next: `${C}/customers` });
    expect([set.status, set.location]).toEqual([303, `${C}/customers`]);
    expect(presenceOf(await getAgent(admin, abeAgentId))).toBe('AVAILABLE');
    const after = await v.get(`${C}/customers`);
    expect(shownPresence(after.html)).toBe('AVAILABLE');
    expect(after.html).toContain('presence-dot presence-dot--available');
  });

  it('returns only to a console page of this tenant', async () => {
    const v = await signedIn('abe@example.com', 'agent password 1');
    await v.get(C);
    for (const next of ['//evil.example/t/presence-co/console', 'https://evil.example/', '/t/other/console', `${C}/../../admin`, `${C}\\x`]) {
      const set = await v.post(`${C}/presence`, { presence: 'BUSY', next });
      expect([set.status, set.location], next).toEqual([303, C]);
    }
    expect(presenceOf(await getAgent(admin, abeAgentId))).toBe('BUSY');
    // A page drawn in answer to a post (a refused reply) returns to its record's page.
    for (const [next, to] of [[`${C}/cases/c-1/reply`, `${C}/cases/c-1`], [`${C}/offers/c-1/decline`, `${C}/offers`], [`${C}/customers/u-2`, `${C}/customers/u-2`]]) {
      const set = await v.post(`${C}/presence`, { presence: 'BUSY', next: next! });
      expect([set.status, set.location], next).toEqual([303, to]);
    }
  });

  it('refuses an unknown presence beside the switch (422) and a post without the form token (403)', async () => {
    const v = await signedIn('abe@example.com', 'agent password 1');
    await v.get(C);
    const before = presenceOf(await getAgent(admin, abeAgentId));
    const bad = await v.post(`${C}/presence`, { presence: 'SLEEPING', next: C });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('Choose one of the listed presences.');
    expect(bad.html).toMatch(/<select id="f-presence" name="presence" aria-invalid="true" aria-describedby="f-presence-error">/);
    expect(bad.html).toContain('<p class="field__error" id="f-presence-error">');
    const noToken = await v.fetch(`${C}/presence`, { form: { presence: 'AWAY' } });
    expect(noToken.status).toBe(403);
    expect(presenceOf(await getAgent(admin, abeAgentId))).toBe(before);
  });

  it('speaks Spanish when chosen', async () => {
    const v = await signedIn('abe@example.com', 'agent password 1');
    v.cookies.set('mosaic_locale', 'es');
    const { html } = await v.get(`${C}/presence`);
    expect(html).toContain('<h1>Tu presencia</h1>');
    expect(html).toContain('>Disponible</option>');
    expect(html).not.toContain('routing.');
  });

  it('has no switch for an admin without an agent profile, who cannot post one either', async () => {
    const v = await signedIn('ann@example.com', 'admin password 1');
    const { html } = await v.get(C);
    expect(html).not.toContain('presence-switch');
    expect((await v.post(`${C}/presence`, { presence: 'AVAILABLE' })).status).toBe(404);
    expect((await v.get(`${C}/presence`)).status).toBe(404);
  });
});
