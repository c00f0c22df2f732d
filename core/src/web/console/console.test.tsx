/**
 * The agent console over real HTTP on loopback: a real tenant database, fixture plugins built,
 * published and installed through the admin API, rendered in the supervised sandbox.
 */
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase, type Case } from '../../domain/cases.js';
import { mergeCustomers, type Customer } from '../../domain/customers.js';
import { addInteraction } from '../../domain/interactions.js';
import { createArticle } from '../../domain/knowledge.js';
import { liveEvents } from '../../domain/live-events.js';
import type { Order } from '../../domain/orders.js';
import { localId, toGlobalId } from '../../lib/ids.js';
import { seedCustomer, seedOrder } from '../../plugins/host/test-fixtures.js';
import { startPluginTestServer, type PluginTestServer } from '../../plugins/testing/plugin-test-server.js';
import type { TenantContext } from '../../tenancy/context.js';
import { createTenant } from '../../tenancy/tenants.js';
import { createStaffUser, signUpCustomer } from '../session/index.js';
import { WebVisitor } from '../testing/web-visitor.js';
import { SESSION_CHECK_MS } from './live.js';
import { widgetDomId } from '../widgets/index.js';
import { eventually, readToEnd, readUntil } from '../testing/stream-reading.js';

let t: PluginTestServer;
let tenant: TenantContext;
let ada: Customer;
let adaOrder: Order;
let adaCase: Case;
let foreignCustomerId: string;
let boardInstallation: string;

/** A browser without JavaScript on the test server. */
const agent = () => new WebVisitor(t.server.url);

/** Signs `a` in through the console's form, asking to be sent on to a customer page. */
const signIn = (a: WebVisitor, email = 'abe@example.com', password = 'agent password 1') =>
  a.signIn('console-co', 'console', email, password, { next: '/t/console-co/console/customers/x' });

const C = '/t/console-co/console';

beforeAll(async () => {
  t = await startPluginTestServer('console-co', { MOSAIC_MAX_SUBSCRIPTIONS_PER_KEY: '2' });
  for (const name of ['widget-board', 'widget-faulty']) expect((await t.publish(name)).errors).toBeUndefined();
  for (const [id, scopes] of [['acme.widget-board', ['customers:read', 'orders:read', 'cases:write', 'storage']], ['acme.widget-faulty', []]] as const) {
    const res = await t.admin(`mutation($i: InstallPluginInput!) { installPlugin(input: $i) { installation { id } } }`, { i: { pluginId: id, grantScopes: scopes } });
    expect(res.errors).toBeUndefined();
    if (id === 'acme.widget-board') boardInstallation = localId('PluginInstallation', res.data.installPlugin.installation.id);
  }
  const data = await t.platform.tenants.get(t.tenantId);
  tenant = { tenantId: t.tenantId, tenantSlug: 'console-co', role: 'admin', actor: 'test', data };
  await createStaffUser(data, { id: 'setup', role: 'admin' }, { role: 'agent', name: 'Abe Agent', email: 'abe@example.com', password: 'agent password 1' });
  // Admins may use the console too.
  await createStaffUser(data, { id: 'setup', role: 'admin' }, { role: 'admin', name: 'Ann Admin', email: 'admin@example.com', password: 'admin password 1' });
  await signUpCustomer(data, { name: 'Cora', email: 'cora@example.com', password: 'customer password 1' });
  ada = await seedCustomer(tenant, 'Ada Lovelace');
  adaOrder = await seedOrder(tenant, ada);
  adaCase = await createCase(tenant, { customerId: ada.id, subject: 'Parcel never arrived' });
  await createArticle(tenant, { title: 'When a parcel is late', body: 'Check the carrier tracking first.', status: 'PUBLISHED' });
  await createArticle(tenant, { title: 'Resetting your password', body: 'Use the link on the sign-in page.', status: 'PUBLISHED' });
  await createArticle(tenant, { title: 'Parcel policy draft', body: 'Not ready.', status: 'DRAFT' });
  await addInteraction(tenant, { customerId: ada.id, caseId: adaCase.id, channel: 'EMAIL', direction: 'INBOUND', body: 'Where is my parcel?' });
  // Another tenant's customer: its id must be as unknown here as a made-up one.
  const other = await createTenant(t.platform.control.db, t.platform.tenants, { slug: 'other-co' });
  const otherData = await t.platform.tenants.get(other.tenant.id);
  foreignCustomerId = (await seedCustomer({ ...tenant, tenantId: other.tenant.id, tenantSlug: 'other-co', data: otherData }, 'Olga Other')).id;
}, 180_000);

let serverClosed = false;
afterAll(async () => {
  if (!serverClosed) return t?.close();
  // The last test closed the server itself; the rest of the platform goes here.
  await t.platform.close();
  const db = t.platform.config.database;
  if (db.kind === 'embedded') rmSync(db.dataDir, { recursive: true, force: true });
});

describe('console sign-in', () => {
  it('sends visitors to the sign-in page and lets an agent in, back to the page asked for', async () => {
    const a = agent();
    const first = await a.fetch(`${C}/customers/${ada.id}`);
    expect([first.status, first.headers.get('location')]).toEqual([303, `${C}/sign-in?next=${encodeURIComponent(`${C}/customers/${ada.id}`)}`]);
    const bad = await a.fetch(`${C}/sign-in`, { form: { _csrf: await a.tokenOf(`${C}/sign-in`), email: 'abe@example.com', password: 'wrong password 1' } });
    expect(bad.status).toBe(422);
    const res = await signIn(a);
    expect(res.status).toBe(303);
    expect(res.location).toBe(`${C}/customers/x`);
    expect((await a.get(C)).html).toContain('Abe Agent');
  });

  it('does not let a portal customer into the console', async () => {
    const a = agent();
    const res = await signIn(a, 'cora@example.com', 'customer password 1');
    expect(res.status).toBe(422);
    expect((await a.fetch(C)).status).toBe(303);
  });
});

describe('work list', () => {
  it('lists open cases, all or not yet assigned, with links to the case and the customer', async () => {
    const a = agent();
    await signIn(a);
    for (const view of ['all', 'queue']) {
      const { res, html } = await a.get(`${C}?view=${view}`);
      expect(res.status).toBe(200);
      expect(html).toContain(`href="${C}/cases/${adaCase.id}"`);
      expect(html).toContain(`href="${C}/customers/${ada.id}"`);
    }
    // Nothing is assigned to Abe.
    expect((await a.get(`${C}?view=mine`)).html).not.toContain(`${C}/cases/${adaCase.id}`);
    expect((await a.get(`${C}?after=not-a-cursor`)).res.status).toBe(404);
  });
});

describe('customer 360', () => {
  it('shows profile, identities, timeline, cases, orders, tel: links and the sidebar widgets', async () => {
    const a = agent();
    await signIn(a);
    const { res, html } = await a.get(`${C}/customers/${ada.id}`);
    expect(res.status).toBe(200);
    expect(html).toContain('<h1>Ada Lovelace</h1>');
    expect(html).toContain(`href="tel:${ada.phone!.replace(/[^0-9+]/g, '')}"`);
    expect(html).toContain('Where is my parcel?');
    expect(html).toContain(adaOrder.number);
    expect(html).toMatch(new RegExp(`sse-connect="${C}/customers/${ada.id}/live\\?since=[A-Za-z0-9_-]+"`));
    // The board's ping and pong widgets render at the same time, each in its frame.
    expect(html).toContain('ping: met pong');
    expect(html).toContain('pong: met ping');
    expect(html).toMatch(/href="\/assets\/widgets\.[0-9a-f]{12}\.css"/);
    expect(html).toMatch(/<script src="\/assets\/htmx-sse\.[0-9a-f]{12}\.js" nonce="[^"]+" defer/);
    expect(html).not.toMatch(/style=|<style/);
  });

  it('finds customers by the start of the name or by email, in this tenant only', async () => {
    const a = agent();
    await signIn(a);
    const link = `href="${C}/customers/${ada.id}"`;
    expect((await a.get(`${C}/customers`)).html).toContain('role="search"');
    expect((await a.get(`${C}/customers?q=ada`)).html).toContain(link);
    expect((await a.get(`${C}/customers?q=${encodeURIComponent(ada.email!.toUpperCase())}`)).html).toContain(link);
    const foreign = (await a.get(`${C}/customers?q=Olga`)).html;
    expect(foreign).toContain('No customer matches.');
    const long = await a.get(`${C}/customers?q=${'x'.repeat(201)}`);
    expect(long.res.status).toBe(422);
    expect(long.html).toContain('aria-invalid="true"');
  });

  it('says when a customer was merged and links to the one it was merged into', async () => {
    const dup = await seedCustomer(tenant, 'Ada Duplicate');
    await mergeCustomers(tenant, ada.id, dup.id);
    const a = agent();
    await signIn(a);
    const { res, html } = await a.get(`${C}/customers/${dup.id}`);
    expect(res.status).toBe(200);
    expect(html).toContain('This customer was merged into another one.');
    expect(html).toContain(`<a href="${C}/customers/${ada.id}">Open the customer it was merged into</a>`);
  });

  it('answers another tenant\'s customer id exactly like a missing one', async () => {
    const a = agent();
    await signIn(a);
    const foreign = await a.get(`${C}/customers/${foreignCustomerId}`);
    const missing = await a.get(`${C}/customers/nobody`);
    expect([foreign.res.status, missing.res.status]).toEqual([404, 404]);
    // The same page but for the address it names (the language switch returns to it) and the nonce.
    const same = (html: string, id: string) => html.replaceAll(id, 'ID').replace(/nonce="[^"]*"/g, '');
    expect(same(foreign.html, foreignCustomerId)).toBe(same(missing.html, 'nobody'));
  });
});

describe('case page', () => {
  it('shows the conversation, knowledge suggestions and the case widgets, a slow one as an error box within the budget', async () => {
    const a = agent();
    await signIn(a);
    const started = performance.now();
    const { res, html } = await a.get(`${C}/cases/${adaCase.id}`);
    const elapsed = performance.now() - started;
    expect(res.status).toBe(200);
    expect(html).toContain('Where is my parcel?');
    expect(html).toContain('When a parcel is late');
    expect(html).not.toContain('Resetting your password');
    expect(html).not.toContain('Parcel policy draft');
    expect(html).toContain('case Parcel never arrived');
    expect(html).toContain('<code>PLUGIN_TIMEOUT</code>');
    expect(elapsed).toBeLessThan(3_000);
  });

  it('refuses an empty reply beside the field, keeps what was typed, and records a real one', async () => {
    const a = agent();
    await signIn(a);
    const _csrf = await a.tokenOf(`${C}/cases/${adaCase.id}`);
    const empty = await a.fetch(`${C}/cases/${adaCase.id}/reply`, { form: { _csrf, body: '   ' } });
    expect(empty.status).toBe(422);
    const emptyHtml = await empty.text();
    expect(emptyHtml).toContain('aria-invalid="true"');
    expect(emptyHtml).toContain('aria-describedby="f-body-hint f-body-error"');
    const tooLong = await a.fetch(`${C}/cases/${adaCase.id}/reply`, { form: { _csrf, body: `<b>${'x'.repeat(10_001)}` } });
    expect(tooLong.status).toBe(422);
    expect(await tooLong.text()).toContain('&lt;b&gt;xxx');
    const noToken = await a.fetch(`${C}/cases/${adaCase.id}/reply`, { form: { body: 'hello' } });
    expect(noToken.status).toBe(403);
    const sent = await a.fetch(`${C}/cases/${adaCase.id}/reply`, { form: { _csrf, body: 'It is on its way.' } });
    expect([sent.status, sent.headers.get('location')]).toEqual([303, `${C}/cases/${adaCase.id}#conversation-h`]);
    expect((await a.get(`${C}/cases/${adaCase.id}`)).html).toContain('It is on its way.');
  });
});

describe('languages', () => {
  it('speaks Spanish on every console page when chosen, with no untranslated key showing', async () => {
    const a = agent();
    await signIn(a);
    a.cookies.set('mosaic_locale', 'es');
    const pages = [C, `${C}/customers?q=ada`, `${C}/customers/${ada.id}`, `${C}/cases/${adaCase.id}`, `${C}/orders/${adaOrder.id}`];
    for (const path of pages) {
      const { res, html } = await a.get(path);
      expect(res.status, path).toBe(200);
      expect(html, path).toMatch(/^<!doctype html><html lang="es">/);
      expect(html, path).not.toMatch(/>[^<]*\b(console|widgets|common)\.[a-zA-Z]+/);
    }
    expect((await a.get(`${C}/customers/${ada.id}`)).html).toContain('<h2 id="timeline-h">Actividad</h2>');
    expect((await a.get(C)).html).toContain('Casos abiertos: ');
  });
});

describe('widget actions', () => {
  const key = () => `${boardInstallation}:summary`;
  const url = () => `${C}/widgets/order/${adaOrder.id}/actions`;

  it('runs a button\'s action and answers the widget drawn again for htmx, or a 303 back without JavaScript', async () => {
    const a = agent();
    await signIn(a);
    const { html: page } = await a.get(`${C}/orders/${adaOrder.id}`);
    expect(page).toContain(`action="${url()}"`);
    // The faulty plugin's four widgets are error boxes of their own; the board's still work.
    expect(page.match(/class="mw-widget-error"/g)).toHaveLength(4);
    expect(page).toContain('<code>PLUGIN_FAILED</code>');
    const _csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    const htmx = await a.fetch(url(), { form: { _csrf, widget: key(), action: 'press', input: '{"from":"summary"}' }, headers: { 'hx-request': 'true' } });
    expect(htmx.status).toBe(200);
    const fragment = await htmx.text();
    expect(fragment).toMatch(new RegExp(`^<section id="${widgetDomId(boardInstallation, 'summary')}"`));
    expect(fragment).toContain('Pressed 1 times');
    expect(fragment).toContain(`${adaOrder.number}: pressed 1`);
    const plain = await a.fetch(url(), { form: { _csrf, widget: key(), action: 'press', input: '{"from":"summary"}' } });
    expect([plain.status, plain.headers.get('location')]).toEqual([303, `${C}/orders/${adaOrder.id}#${widgetDomId(boardInstallation, 'summary')}`]);
    // The action's message waits for the page the redirect leads to, in the widget's frame, once.
    expect(plain.headers.get('location')).not.toContain('Pressed');
    const after = (await a.get(`${C}/orders/${adaOrder.id}`)).html;
    expect(after).toContain(`${adaOrder.number}: pressed 2`);
    // Inside the summary widget's own frame: no other widget's frame starts before it.
    expect(after).toMatch(new RegExp(`<section id="${widgetDomId(boardInstallation, 'summary')}"(?:(?!<section id="w-)[^])*<p class="mw-widget-message" role="status">Pressed 2 times</p>`));
    expect((await a.get(`${C}/orders/${adaOrder.id}`)).html).not.toContain('Pressed 2 times');
  });

  it('shows a no-JavaScript action message only to the session it was kept for, unaltered', async () => {
    const a = agent();
    await signIn(a);
    const _csrf = await a.tokenOf(`${C}/orders/${adaOrder.id}`);
    await a.fetch(url(), { form: { _csrf, widget: key(), action: 'press' } });
    const flash = a.cookies.get('mosaic_widget_flash')!;
    expect(flash).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    // Another agent's session, or the same cookie with its text changed, shows nothing.
    const other = agent();
    await signIn(other);
    other.cookies.set('mosaic_widget_flash', flash);
    expect((await other.get(`${C}/orders/${adaOrder.id}`)).html).not.toMatch(/Pressed \d+ times/);
    const [payload, signature] = flash.split('.');
    const altered = Buffer.from(Buffer.from(payload!, 'base64url').toString('utf8').replace(/Pressed \d+ times/, 'Call 555-0100 now'), 'utf8').toString('base64url');
    a.cookies.set('mosaic_widget_flash', `${altered}.${signature}`);
    const page = (await a.get(`${C}/orders/${adaOrder.id}`)).html;
    expect(page).not.toContain('Call 555-0100 now');
    expect(page).not.toContain('class="mw-widget-message" role="status">P');
  });

  it('refuses a missing CSRF token, and answers unknown actions, widgets and foreign records as missing', async () => {
    const a = agent();
    await signIn(a);
    const _csrf = await a.tokenOf(`${C}/orders/${adaOrder.id}`);
    expect((await a.fetch(url(), { form: { widget: key(), action: 'press' } })).status).toBe(403);
    expect((await a.fetch(url(), { form: { _csrf, widget: key(), action: 'launch' } })).status).toBe(404);
    const odd = await a.fetch(url(), { form: { _csrf, widget: key(), action: 'x'.repeat(65) } });
    expect([odd.status, (await odd.json()).errors[0].extensions.code]).toEqual([400, 'BAD_USER_INPUT']);
    expect((await a.fetch(url(), { form: { _csrf, widget: `${boardInstallation}:ghost`, action: 'press' } })).status).toBe(404);
    expect((await a.fetch(`${C}/widgets/customer/${foreignCustomerId}/actions`, { form: { _csrf, widget: key(), action: 'press' } })).status).toBe(404);
    const visitor = agent();
    expect((await visitor.fetch(url(), { form: { _csrf: await visitor.tokenOf(`${C}/sign-in`), widget: key(), action: 'press' } })).status).toBe(401);
  });
});


describe('live timeline', () => {
  it('streams the customer\'s new entries as HTML, only theirs, and lets go when the page closes', async () => {
    const a = agent();
    await signIn(a);
    const abort = new AbortController();
    const res = await a.fetch(`${C}/customers/${ada.id}/live`, { signal: abort.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(liveEvents.listenerCount(t.tenantId)).toBe(1);
    const bob = await seedCustomer(tenant, 'Bob Other');
    await addInteraction(tenant, { customerId: bob.id, channel: 'CHAT', direction: 'INBOUND', body: 'not for Ada' });
    const { gql } = await t.keyFor('agent');
    const created = await gql(`mutation($i: AddInteractionInput!) { addInteraction(input: $i) { interaction { id } } }`,
      { i: { customerId: toGlobalId('Customer', ada.id), channel: 'SMS', direction: 'INBOUND', body: 'Arrived <b>damaged</b>' } });
    expect(created.errors).toBeUndefined();
    const text = await readUntil(res, (s) => s.includes('damaged'));
    expect(text).toContain('event: timeline');
    expect(text).toContain('Arrived &lt;b&gt;damaged&lt;/b&gt;');
    expect(text).not.toContain('not for Ada');
    abort.abort();
    await eventually(() => liveEvents.listenerCount(t.tenantId) === 0);
  });

  it('first sends what was written after the page was read, or after the last entry a reconnecting browser got', async () => {
    const a = agent();
    await signIn(a);
    const page = (await a.get(`${C}/customers/${ada.id}`)).html;
    const live = /sse-connect="([^"]+\/live\?since=[^"]+)"/.exec(page)![1]!.replaceAll('&amp;', '&');
    // Written after the page was read and before its stream opened.
    await addInteraction(tenant, { customerId: ada.id, channel: 'CHAT', direction: 'INBOUND', body: 'Written in between' });
    const abort = new AbortController();
    const text = await readUntil(await a.fetch(live, { signal: abort.signal }), (s) => s.includes('Written in between'));
    const lastId = /^id: (.+)$/m.exec(text)![1]!;
    abort.abort();
    // A reconnect with Last-Event-ID gets only what came after it.
    await addInteraction(tenant, { customerId: ada.id, channel: 'CHAT', direction: 'INBOUND', body: 'While offline' });
    const again = new AbortController();
    const resumed = await readUntil(await a.fetch(`${C}/customers/${ada.id}/live`, { signal: again.signal, headers: { 'last-event-id': lastId } }), (s) => s.includes('While offline'));
    expect(resumed).not.toContain('Written in between');
    again.abort();
    // Without a cursor, or with a forged one, nothing old is sent.
    const fresh = new AbortController();
    const forged = await a.fetch(`${C}/customers/${ada.id}/live?since=bm90LWEtY3Vyc29y`, { signal: fresh.signal });
    expect(forged.status).toBe(200);
    await addInteraction(tenant, { customerId: ada.id, channel: 'CHAT', direction: 'INBOUND', body: 'Only this one' });
    const onlyNew = await readUntil(forged, (s) => s.includes('Only this one'));
    expect(onlyNew).not.toMatch(/Written in between|While offline/);
    fresh.abort();
    await eventually(() => liveEvents.listenerCount(t.tenantId) === 0);
  });

  it('checks the customer in the session\'s tenant and holds to the open-stream limit', async () => {
    const a = agent();
    await signIn(a);
    expect((await a.fetch(`${C}/customers/${foreignCustomerId}/live`)).status).toBe(404);
    const abort = new AbortController();
    const open = [await a.fetch(`${C}/customers/${ada.id}/live`, { signal: abort.signal }), await a.fetch(`${C}/customers/${ada.id}/live`, { signal: abort.signal })];
    expect(open.map((r) => r.status)).toEqual([200, 200]);
    const third = await a.fetch(`${C}/customers/${ada.id}/live`);
    expect(third.status).toBe(429);
    expect((await third.json()).errors[0].extensions.code).toBe('TOO_MANY_SUBSCRIPTIONS');
    abort.abort();
    await eventually(() => liveEvents.listenerCount(t.tenantId) === 0);
  });

  it('ends within seconds of a sign-out in another tab, sending nothing written after it', async () => {
    const a = agent();
    await signIn(a);
    const res = await a.fetch(`${C}/customers/${ada.id}/live`);
    expect(res.status).toBe(200);
    // Another tab of the same browser: the same session cookie, the token of its own page.
    const tab = agent();
    tab.cookies.set('mosaic_session', a.cookies.get('mosaic_session')!);
    await tab.get(C);
    expect((await tab.post(`${C}/sign-out`, {})).status).toBe(303);
    const signedOutAt = Date.now();
    await addInteraction(tenant, { customerId: ada.id, channel: 'EMAIL', direction: 'INBOUND', body: 'Written after the sign-out' });
    const text = await readToEnd(res, SESSION_CHECK_MS + 5_000);
    expect(Date.now() - signedOutAt).toBeLessThan(SESSION_CHECK_MS + 3_000);
    expect(text).not.toContain('Written after the sign-out');
    await eventually(() => liveEvents.listenerCount(t.tenantId) === 0);
    // The browser's reconnect is sent to the sign-in page.
    expect((await a.fetch(`${C}/customers/${ada.id}/live`)).status).toBe(303);
  });
});

describe('paging', () => {
  it('pages the work list and a long timeline, the older timeline pages without the live stream', async () => {
    const pat = await seedCustomer(tenant, 'Pat Paging');
    for (let i = 1; i <= 25; i++) await createCase(tenant, { customerId: pat.id, subject: `Question ${i}` });
    const a = agent();
    await signIn(a, 'admin@example.com', 'admin password 1');
    const first = (await a.get(`${C}?view=all`)).html;
    expect(first.match(/<tr>/g)).toHaveLength(21); // the header row and 20 cases
    const next = /href="([^"]+)">Next page</.exec(first)?.[1]?.replaceAll('&amp;', '&');
    expect(next).toMatch(/^\/t\/console-co\/console\?view=all&after=/);
    const second = (await a.get(next!)).html;
    expect(second.match(/<tr>/g)!.length).toBeGreaterThan(1);
    expect(second).toContain('>Previous page<');
    expect(second).toContain(`href="${C}/cases/${adaCase.id}"`); // the oldest open case is on the last page

    const newest = (await a.get(`${C}/customers/${pat.id}`)).html;
    expect(newest.match(/class="timeline__item /g)).toHaveLength(20);
    const older = /href="([^"]+)#timeline-h">Older activity</.exec(newest)?.[1];
    expect(older).toBeTruthy();
    const rest = (await a.get(older!)).html;
    expect(rest.match(/class="timeline__item /g)).toHaveLength(5);
    expect(rest).toContain('Question 1<');
    expect(rest).not.toMatch(/sse-connect="[^"]*\/customers\//);
  });
});

describe('server shutdown', () => {
  it('ends the open live streams, so closing the server does not wait for their browsers', async () => {
    const a = agent();
    await signIn(a);
    const res = await a.fetch(`${C}/customers/${ada.id}/live`);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const closing = t.server.close();
    serverClosed = true;
    const ended = (async () => { for (;;) if ((await reader.read()).done) return true; })();
    await expect(Promise.race([ended, new Promise((r) => setTimeout(() => r(false), 5_000))])).resolves.toBe(true);
    await closing;
    expect(liveEvents.listenerCount(t.tenantId)).toBe(0);
  });
});
