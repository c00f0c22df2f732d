/**
 * The console's telephony over real HTTP on loopback: CTI events posted to the phone channel's
 * real endpoint pop on the signed-in agents' streams of that tenant only; call notes land on the
 * timeline; click-to-dial emits one `call.dial`.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../db/tenant-schema.js';
import { createCustomer, mergeCustomers, type Customer } from '../../domain/customers.js';
import { createChannel } from '../../domain/intake/index.js';
import { listInteractions } from '../../domain/interactions.js';
import { liveEvents } from '../../domain/live-events.js';
import { toGlobalId } from '../../lib/ids.js';
import type { TenantContext } from '../../tenancy/context.js';
import { createTenant } from '../../tenancy/tenants.js';
import { createStaffUser } from '../session/index.js';
import { SESSION_CHECK_MS } from './live.js';
import { WebVisitor } from '../testing/web-visitor.js';
import { startWebTestServer, type WebTestServer } from '../testing/web-test-server.js';
import { eventually, readToEnd, readUntil } from '../testing/stream-reading.js';

let web: WebTestServer;
let shop: TenantContext;
let other: TenantContext;
let ada: Customer;
let bea: Customer;
const lines = new Map<string, { id: string; secret: string }>();

const C = '/t/call-shop/console';
const PASSWORD = 'agent password 1';

async function tenant(slug: string): Promise<TenantContext> {
  const { tenant: row } = await createTenant(web.platform.control.db, web.platform.tenants, { slug, name: slug });
  return { tenantId: row.id, tenantSlug: slug, role: 'admin', actor: 'test', agentId: null, data: await web.platform.tenants.get(row.id) };
}

async function signedIn(slug: string, email: string): Promise<WebVisitor> {
  const v = new WebVisitor(web.server.url);
  expect((await v.signIn(slug, 'console', email, PASSWORD)).status).toBe(303);
  return v;
}

/** A CTI event as the telephone system posts it (form fields, the channel's secret as bearer). */
async function cti(slug: string, fields: Record<string, string>) {
  const line = lines.get(slug)!;
  const res = await fetch(`${web.server.url}/channels/${slug}/${line.id}/cti`, {
    method: 'POST', body: new URLSearchParams({ to: '+4930999000', direction: 'in', ...fields }).toString(),
    headers: { authorization: `Bearer ${line.secret}`, 'content-type': 'application/x-www-form-urlencoded' },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { interactionId: string; caseId: string; customerId: string };
}


const dialEvents = async () => shop.data.db.select().from(outbox).where(eq(outbox.type, 'call.dial'));
const local = (globalId: string) => Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1]!;

beforeAll(async () => {
  // Two open streams per signed-in user, so the limit is reached in a test.
  web = await startWebTestServer({ MOSAIC_MAX_SUBSCRIPTIONS_PER_KEY: '2' });
  shop = await tenant('call-shop');
  other = await tenant('call-other');
  const vault = web.platform.plugins.installer.vault;
  for (const ctx of [shop, other]) {
    const { channel, secret } = await createChannel(ctx, vault, { kind: 'PHONE', name: 'PBX' });
    lines.set(ctx.tenantSlug, { id: toGlobalId('IntakeChannel', channel.id), secret });
    await createStaffUser(ctx.data, { id: 'setup', role: 'admin' }, { role: 'agent', name: 'Abe Agent', email: 'abe@example.com', password: PASSWORD });
  }
  await createStaffUser(shop.data, { id: 'setup', role: 'admin' }, { role: 'agent', name: 'Bo Agent', email: 'bo@example.com', password: PASSWORD });
  ada = await createCustomer(shop, { name: 'Ada Lovelace', phone: '+44 20 7946 0001' });
  bea = await createCustomer(shop, { name: 'Bea Other', phone: '+44 20 7946 0002' });
}, 60_000);
afterAll(() => web?.close());

describe('screen pop', () => {
  it('pops each call of the tenant on its agents’ pages (the caller by name, or the number only), and none on another tenant’s', async () => {
    const abe = await signedIn('call-shop', 'abe@example.com');
    const bo = await signedIn('call-shop', 'bo@example.com');
    const stranger = await signedIn('call-other', 'abe@example.com');
    // Every console page listens.
    expect((await abe.get(C)).html).toContain(`sse-connect="${C}/calls/live"`);
    const abort = new AbortController();
    const [abeLive, boLive, otherLive] = await Promise.all([
      abe.fetch(`${C}/calls/live`, { signal: abort.signal }), bo.fetch(`${C}/calls/live`, { signal: abort.signal }),
      stranger.fetch('/t/call-other/console/calls/live', { signal: abort.signal }),
    ]);
    expect([abeLive.status, boLive.status, otherLive.status]).toEqual([200, 200, 200]);
    expect(abeLive.headers.get('content-type')).toMatch(/^text\/event-stream/);

    const ring = await cti('call-shop', { event: 'newCall', callId: 'pop-1', from: '+442079460001' });
    let seen = await readUntil(abeLive, (s) => s.includes('Ada Lovelace'));
    expect(seen).toContain('event: call');
    expect(seen).toContain('role="alert"');
    expect(seen).toContain('Incoming call');
    expect(seen).toContain(`href="${C}/customers/${ada.id}?call=${local(ring.interactionId)}#call-notes-h"`);
    // The telephone system names who answered: that agent's pop says so, the other's does not.
    await cti('call-shop', { event: 'answer', callId: 'pop-1', from: '+442079460001', user: 'Abe Agent' });
    seen = await readUntil(abeLive, (s) => s.includes('You answered this call'));
    const boSeen = await readUntil(boLive, (s) => s.includes('Call answered'));
    expect(boSeen).not.toContain('You answered this call');
    expect(boSeen).toContain('Abe Agent');
    // A number nobody had: the number only.
    await cti('call-shop', { event: 'newCall', callId: 'pop-2', from: '+4915112345678' });
    seen = await readUntil(abeLive, (s) => s.includes('Unknown caller +4915112345678'));

    // An outgoing call pops only for the agent who placed it.
    await cti('call-shop', { event: 'newCall', callId: 'pop-4', direction: 'out', from: '+4930999000', to: '+442079460001', user: 'bo@example.com' });
    await readUntil(boLive, (s) => s.includes('data-call="pop-4"') && s.includes('Outgoing call'));
    await cti('call-shop', { event: 'newCall', callId: 'pop-5', from: '+442079460001' });
    seen = await readUntil(abeLive, (s) => s.includes('data-call="pop-5"'));
    expect(seen).not.toContain('pop-4');
    // The other tenant's agent hears its own tenant's call, never the shop's.
    await cti('call-other', { event: 'newCall', callId: 'pop-3', from: '+33142685300' });
    const otherSeen = await readUntil(otherLive, (s) => s.includes('+33142685300'));
    expect(otherSeen).not.toMatch(/Ada Lovelace|\+442079460001|\+4915112345678/);
    abort.abort();
    await eventually(() => liveEvents.listenerCount(shop.tenantId) === 0 && liveEvents.listenerCount(other.tenantId) === 0);
  });

  it('holds to the open-stream limit, and ends within seconds of a sign-out in another tab, popping nothing after it', async () => {
    const abe = await signedIn('call-shop', 'abe@example.com');
    const abort = new AbortController();
    const open = [await abe.fetch(`${C}/calls/live`, { signal: abort.signal }), await abe.fetch(`${C}/calls/live`, { signal: abort.signal })];
    expect(open.map((r) => r.status)).toEqual([200, 200]);
    const third = await abe.fetch(`${C}/calls/live`);
    expect(third.status).toBe(429);
    expect((await third.json()).errors[0].extensions.code).toBe('TOO_MANY_SUBSCRIPTIONS');
    abort.abort();
    await eventually(() => liveEvents.listenerCount(shop.tenantId) === 0);

    const res = await abe.fetch(`${C}/calls/live`);
    expect(res.status).toBe(200);
    const tab = new WebVisitor(web.server.url);
    tab.cookies.set('mosaic_session', abe.cookies.get('mosaic_session')!);
    await tab.get(C);
    expect((await tab.post(`${C}/sign-out`, {})).status).toBe(303);
    const signedOutAt = Date.now();
    await cti('call-shop', { event: 'newCall', callId: 'after-sign-out', from: '+442079460001' });
    const text = await readToEnd(res, SESSION_CHECK_MS + 5_000);
    expect(Date.now() - signedOutAt).toBeLessThan(SESSION_CHECK_MS + 3_000);
    expect(text).not.toContain('after-sign-out');
    await eventually(() => liveEvents.listenerCount(shop.tenantId) === 0);
    expect((await abe.fetch(`${C}/calls/live`)).status).toBe(303);
  });

  it('is for signed-in staff only', async () => {
    const visitor = new WebVisitor(web.server.url);
    const res = await visitor.fetch(`${C}/calls/live`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/\/sign-in\?next=/);
  });
});

describe('call notes', () => {
  it('saves the notes on the timeline, on the call’s case; refuses empty or long notes, beside the field, keeping the text', async () => {
    const call = await cti('call-shop', { event: 'newCall', callId: 'notes-1', from: '+442079460001' });
    const callId = local(call.interactionId);
    const abe = await signedIn('call-shop', 'abe@example.com');
    const page = await abe.get(`${C}/customers/${ada.id}?call=${callId}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('id="call-notes-h"');
    const action = `${C}/customers/${ada.id}/calls/${callId}/notes`;
    expect(page.html).toContain(`action="${action}"`);

    const empty = await abe.post(action, { notes: '   ' });
    expect(empty.status).toBe(422);
    expect(empty.html).toMatch(/aria-invalid="true" aria-describedby="[^"]*f-notes-error/);
    expect(empty.html).toContain('Write the notes before saving them.');
    const long = await abe.post(action, { notes: `Too <long> ${'x'.repeat(10_001)}` });
    expect(long.status).toBe(422);
    expect(long.html).toContain('Too &lt;long&gt; xxx');

    const saved = await abe.post(action, { notes: 'Wants a <refund> by Friday.' });
    expect(saved).toMatchObject({ status: 303, location: `${C}/customers/${ada.id}?call=${callId}#timeline-h` });
    const after = await abe.get(saved.location!);
    expect(after.html).toContain('Call notes saved.');
    expect(after.html).toContain('Wants a &lt;refund&gt; by Friday.');
    const onCase = (await listInteractions(shop, { first: 10, filter: { caseId: local(call.caseId) } })).edges.map((e) => e.node.body);
    expect(onCase).toContain('Wants a <refund> by Friday.');
    expect(onCase.filter((b) => b.includes('refund'))).toHaveLength(1);
  });

  it('answers 404 for another customer’s call, and refuses a post without the form token', async () => {
    const call = await cti('call-shop', { event: 'newCall', callId: 'notes-2', from: '+442079460001' });
    const callId = local(call.interactionId);
    const abe = await signedIn('call-shop', 'abe@example.com');
    expect((await abe.get(`${C}/customers/${bea.id}?call=${callId}`)).status).toBe(404);
    expect((await abe.get(`${C}/customers/${ada.id}?call=not-an-id`)).status).toBe(404);
    await abe.get(C);
    expect((await abe.post(`${C}/customers/${bea.id}/calls/${callId}/notes`, { notes: 'x' })).status).toBe(404);
    const forged = await abe.fetch(`${C}/customers/${ada.id}/calls/${callId}/notes`, { form: { notes: 'forged' } });
    expect(forged.status).toBe(403);
    const bodies = (await listInteractions(shop, { first: 50, filter: { customerId: bea.id } })).edges.map((e) => e.node.body);
    expect(bodies).not.toContain('x');
    expect((await listInteractions(shop, { first: 50, filter: { customerId: ada.id } })).edges.map((e) => e.node.body)).not.toContain('forged');
  });
});

describe('click-to-dial', () => {
  it('offers a Call button beside each number, emits exactly one call.dial and says "Dialling …"', async () => {
    const abe = await signedIn('call-shop', 'abe@example.com');
    const page = await abe.get(`${C}/customers/${ada.id}`);
    expect(page.html).toContain('href="tel:+442079460001"');
    expect(page.html).toContain(`action="${C}/customers/${ada.id}/dial"`);
    const before = (await dialEvents()).length;
    const res = await abe.post(`${C}/customers/${ada.id}/dial`, { number: '+44 20 7946 0001' });
    expect(res).toMatchObject({ status: 303, location: `${C}/customers/${ada.id}` });
    const events = await dialEvents();
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)).toMatchObject({ subjectId: ada.id, payload: { customerId: ada.id, number: '+442079460001' } });
    expect((events.at(-1)!.payload as Record<string, unknown>).agentId).toEqual(expect.any(String));
    const shown = await abe.get(res.location!);
    expect(shown.html).toContain('Dialling +442079460001…');
    // Shown once.
    expect((await abe.get(res.location!)).html).not.toContain('Dialling');
  });

  it('speaks the agent’s language: the Call button, the pop and the message in Spanish', async () => {
    const v = new WebVisitor(web.server.url, { 'accept-language': 'es' });
    expect((await v.signIn('call-shop', 'console', 'bo@example.com', PASSWORD)).status).toBe(303);
    const page = await v.get(`${C}/customers/${ada.id}`);
    expect(page.html).toContain('>Llamar</button>');
    const abort = new AbortController();
    const live = await v.fetch(`${C}/calls/live`, { signal: abort.signal });
    await cti('call-shop', { event: 'newCall', callId: 'es-1', from: '+442079460001' });
    expect(await readUntil(live, (s) => s.includes('data-call="es-1"'))).toContain('Llamada entrante');
    abort.abort();
    const res = await v.post(`${C}/customers/${ada.id}/dial`, { number: '+442079460001' });
    expect((await v.get(res.location!)).html).toContain('Marcando +442079460001…');
  });

  it('refuses a number that is not the customer’s, a foreign customer and a post without the form token, emitting nothing', async () => {
    const abe = await signedIn('call-shop', 'abe@example.com');
    await abe.get(`${C}/customers/${ada.id}`);
    const before = (await dialEvents()).length;
    const bad = await abe.post(`${C}/customers/${ada.id}/dial`, { number: '+44 20 7946 0002' });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('This number cannot be dialled');
    expect((await abe.post(`${C}/customers/${ada.id}/dial`, { number: 'x'.repeat(500) })).status).toBe(422);
    expect((await abe.post(`${C}/customers/${ada.id}/dial`, {})).status).toBe(422);
    const foreign = await createCustomer(other, { name: 'Olga', phone: '+33142685301' });
    expect((await abe.post(`${C}/customers/${foreign.id}/dial`, { number: '+33142685301' })).status).toBe(404);
    // A merged customer offers no Call button, and a hand-made post is refused.
    const twin = await createCustomer(shop, { name: 'Ada Twin', phone: '+44 20 7946 0009' });
    await mergeCustomers(shop, ada.id, twin.id);
    expect((await abe.get(`${C}/customers/${twin.id}`)).html).not.toContain(`${twin.id}/dial`);
    const merged = await abe.post(`${C}/customers/${twin.id}/dial`, { number: '+442079460009' });
    expect(merged.status).toBe(422);
    expect(merged.html).toContain('This customer was merged into another one');
    const forged = await abe.fetch(`${C}/customers/${ada.id}/dial`, { form: { number: '+442079460001' } });
    expect(forged.status).toBe(403);
    expect(await dialEvents()).toHaveLength(before);
  });
});
