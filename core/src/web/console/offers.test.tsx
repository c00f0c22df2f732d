/**
 * Routing in the console over real HTTP: a case arrives by email on a routed queue, the sweep
 * offers it to the one available agent, who sees why on the work list and accepts or declines it,
 * then replies on the case's channel and gives the case back.
 */
import { asc, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../db/tenant-schema.js';
import { createQueue, updateAgent } from '../../domain/agents.js';
import { createCase, getCase } from '../../domain/cases.js';
import { createCustomer } from '../../domain/customers.js';
import { createChannel, disableChannel } from '../../domain/intake/index.js';
import { listInteractions } from '../../domain/interactions.js';
import { configureQueueRouting, offersOf, setPresence, sweepRouting } from '../../domain/routing/index.js';
import { toGlobalId } from '../../lib/ids.js';
import type { TenantContext } from '../../tenancy/context.js';
import { createTenant } from '../../tenancy/tenants.js';
import { createStaffUser } from '../session/index.js';
import { WebVisitor } from '../testing/web-visitor.js';
import { startWebTestServer, type WebTestServer } from '../testing/web-test-server.js';

let web: WebTestServer;
let admin: TenantContext;
let abeId: string;
let beaId: string;
let channel: { id: string; secret: string };
let disputesId: string;
let mailNo = 0;
const SLUG = 'routed-co';
const C = `/t/${SLUG}/console`;

const as = (agentId: string): TenantContext => ({ ...admin, role: 'agent', actor: `web:${agentId}`, agentId });

async function signedIn(email: string): Promise<WebVisitor> {
  const v = new WebVisitor(web.server.url);
  expect((await v.signIn(SLUG, 'console', email, 'agent password 1')).status).toBe(303);
  return v;
}

/** An email from a customer through the channel's real endpoint; the case id it opened. */
async function emailArrives(subject: string): Promise<string> {
  const body = JSON.stringify({ headers: { 'Message-ID': `<m${++mailNo}@mail.example>` }, from: `Olive Owens <olive${mailNo}@example.com>`, subject, text: `About: ${subject}` });
  const res = await fetch(`${web.server.url}/channels/${SLUG}/${toGlobalId('IntakeChannel', channel.id)}/email`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${channel.secret}` }, body,
  });
  expect(res.status).toBe(200);
  const { caseId } = (await res.json()) as { caseId: string };
  return Buffer.from(caseId, 'base64url').toString('utf8').split(':')[1]!;
}

/** Routes now and answers the case ids offered to Abe. */
async function offeredToAbe(): Promise<string[]> {
  await sweepRouting(admin, new Date());
  return (await offersOf(admin, abeId)).map((o) => o.caseId);
}

async function events(types: string[]) {
  const rows = await admin.data.db.select().from(outbox).where(inArray(outbox.type, types)).orderBy(asc(outbox.createdAt), asc(outbox.id));
  return rows.map((r) => ({ type: r.type, subjectId: r.subjectId, payload: r.payload as Record<string, unknown> }));
}

beforeAll(async () => {
  web = await startWebTestServer();
  const { tenant } = await createTenant(web.platform.control.db, web.platform.tenants, { slug: SLUG, name: 'Routed Co' });
  const data = await web.platform.tenants.get(tenant.id);
  admin = { tenantId: tenant.id, tenantSlug: SLUG, role: 'admin', actor: 'system', data };
  const staff = (name: string, email: string) => createStaffUser(data, { id: 'setup', role: 'admin' }, { role: 'agent', name, email, password: 'agent password 1' });
  abeId = (await staff('Abe Agent', 'abe@example.com')).agentId!;
  beaId = (await staff('Bea Agent', 'bea@example.com')).agentId!;
  await updateAgent(admin, abeId, { skills: [{ skill: 'billing', level: 6 }] });
  const billing = await createQueue(admin, { name: 'Billing' });
  await configureQueueRouting(admin, { queueId: billing.id, priority: 1, offerTimeoutSeconds: 3600, skills: [{ skill: 'billing', level: 3 }] });
  disputesId = (await createQueue(admin, { name: 'Disputes' })).id;
  const made = await createChannel(admin, web.platform.plugins.installer.vault, { kind: 'EMAIL', name: 'Support inbox', defaultQueueId: billing.id });
  channel = { id: made.channel.id, secret: made.secret };
}, 60_000);
afterAll(() => web?.close());

describe('routing offers on the console work list', () => {
  it('shows an offer with why it was made; another agent cannot take it; the agent accepts and is sent to the case', async () => {
    const abe = await signedIn('abe@example.com');
    await abe.get(C);
    expect((await abe.post(`${C}/presence`, { presence: 'AVAILABLE', next: C })).status).toBe(303);
    const caseId = await emailArrives('Charged twice for March');
    expect(await offeredToAbe()).toEqual([caseId]);
    const kase = await getCase(admin, caseId);

    const list = await abe.get(C);
    expect(list.status).toBe(200);
    const offers = list.html.slice(list.html.indexOf('id="offers"'));
    expect(offers).toContain(`<a href="${C}/cases/${caseId}">#${kase.number} Charged twice for March</a>`);
    expect(offers).toContain('Olive Owens');
    expect(offers).toMatch(/<dt>Channel<\/dt><dd>Email<\/dd>/);
    expect(offers).toMatch(/<dt>Queue<\/dt><dd>Billing<\/dd>/);
    expect(offers).toMatch(/<dt>Offer ends<\/dt><dd><time datetime="[^"]+">/);
    expect(offers).toContain('You were the only available agent with the skills and room for it.');
    expect(offers).toContain('Skills needed: billing (level 3 or more).');
    expect(offers).toContain('Chosen from 1 suited agent.');
    expect(offers).toContain(`action="${C}/offers/${caseId}/accept"`);
    expect(offers).toMatch(/<select id="offer-[^"]+-reason" name="reason" required="">/);

    // In Spanish, every string of the card is translated.
    abe.cookies.set('mosaic_locale', 'es');
    const es = (await abe.get(C)).html;
    expect(es).toContain('<h2 id="offers-h">Ofrecidos a ti</h2>');
    expect(es).toContain('Eras el único agente disponible con las habilidades y la capacidad necesarias.');
    expect(es).toContain('>No es mi especialidad</option>');
    expect(es).not.toMatch(/routing\.[a-z]/);
    abe.cookies.delete('mosaic_locale');

    // Bea was not offered it: hers is the "not open for you" answer, and nothing changes.
    const bea = await signedIn('bea@example.com');
    await bea.get(C);
    const foreign = await bea.post(`${C}/offers/${caseId}/accept`, {});
    expect(foreign.status).toBe(404);
    expect(foreign.html).toContain('This offer is not open for you any more');
    expect((await bea.post(`${C}/offers/${caseId}/decline`, { reason: 'BUSY' })).status).toBe(404);
    expect((await bea.post(`${C}/offers/not-a-case/accept`, {})).status).toBe(404);
    expect((await getCase(admin, caseId)).assigneeId).toBeNull();

    // The offered case's own page offers the same choice, to Abe only.
    const casePage = (await abe.get(`${C}/cases/${caseId}`)).html;
    expect(casePage).toContain('<h2 id="case-offer-h">Offered to you</h2>');
    expect(casePage).toContain('Skills needed: billing (level 3 or more).');
    expect(casePage).toContain(`action="${C}/offers/${caseId}/decline"`);
    expect((await bea.get(`${C}/cases/${caseId}`)).html).not.toContain('case-offer-h');

    // No form token, no accepting.
    expect((await abe.fetch(`${C}/offers/${caseId}/accept`, { form: {} })).status).toBe(403);
    expect((await getCase(admin, caseId)).assigneeId).toBeNull();

    const accepted = await abe.post(`${C}/offers/${caseId}/accept`, {});
    expect([accepted.status, accepted.location]).toEqual([303, `${C}/cases/${caseId}`]);
    expect((await getCase(admin, caseId)).assigneeId).toBe(abeId);
    expect(await offersOf(admin, abeId)).toEqual([]);
    expect((await abe.get(`${C}/cases/${caseId}`)).html).not.toContain('case-offer-h');
    // Accepting again: the offer is gone, said plainly.
    const again = await abe.post(`${C}/offers/${caseId}/accept`, {});
    expect(again.status).toBe(404);
    expect(again.html).toContain('This offer is not open for you any more');
  });

  it('declines with a reason, refusing a missing one beside the field and keeping the note typed', async () => {
    const abe = await signedIn('abe@example.com');
    await abe.get(C);
    const caseId = await emailArrives('Invoice address wrong');
    expect(await offeredToAbe()).toContain(caseId);
    await abe.get(C);
    const missing = await abe.post(`${C}/offers/${caseId}/decline`, { reason: '', note: 'my <note>' });
    expect(missing.status).toBe(422);
    const card = missing.html.slice(missing.html.indexOf(`id="offer-${caseId}-h"`));
    expect(card).toContain(`<select id="offer-${caseId}-reason" name="reason" required="" aria-invalid="true" aria-describedby="offer-${caseId}-reason-error">`);
    expect(card).toContain(`<p class="field__error" id="offer-${caseId}-reason-error">Choose a reason from the list.</p>`);
    expect(card).toContain('value="my &lt;note&gt;"');
    const long = await abe.post(`${C}/offers/${caseId}/decline`, { reason: 'OTHER', note: 'x'.repeat(501) });
    expect(long.status).toBe(422);
    expect(long.html).toContain('The note is too long (at most 500 characters).');
    expect(long.html).toMatch(/<option value="OTHER" selected="">/);

    const declined = await abe.post(`${C}/offers/${caseId}/decline`, { reason: 'NOT_MY_SKILL', note: 'French speaker needed' });
    expect([declined.status, declined.location]).toEqual([303, C]);
    expect(await offersOf(admin, abeId)).toEqual([]);
    const [event] = (await events(['routing.declined'])).filter((e) => e.subjectId === caseId);
    expect(event?.payload).toMatchObject({ agentId: abeId, reason: 'NOT_MY_SKILL', note: 'French speaker needed' });
    // Declined by Abe, the case is not offered to him again.
    expect(await offeredToAbe()).not.toContain(caseId);
    expect((await abe.get(C)).html).toContain('No case is offered to you right now.');
  });

  it('answers the work list\'s poll with nothing to swap while the offers are unchanged, and with the card once one arrives', async () => {
    const abe = await signedIn('abe@example.com');
    await setPresence(as(abeId), { presence: 'AVAILABLE' });
    await sweepRouting(admin, new Date());
    const page = await abe.get(C);
    const poll = /hx-get="([^"]+)" hx-trigger="every 10s" hx-swap="outerHTML"/.exec(page.html)?.[1]?.replace(/&amp;/g, '&');
    expect(poll).toMatch(new RegExp(`^${C}/offers\\?seen=[A-Za-z0-9_-]{16}$`));
    const htmx = { 'hx-request': 'true' };
    const same = await abe.fetch(poll!, { headers: htmx });
    expect([same.status, same.headers.get('hx-reswap'), await same.text()]).toEqual([200, 'none', '']);
    const caseId = await emailArrives('Direct debit bounced');
    expect(await offeredToAbe()).toContain(caseId);
    const changed = await abe.fetch(poll!, { headers: htmx });
    expect(changed.status).toBe(200);
    const card = await changed.text();
    expect(card).toMatch(/^<section class="card offers" id="offers"/);
    expect(card).toContain('Direct debit bounced');
    expect(card).toContain(`action="${C}/offers/${caseId}/accept"`);
    // The card it answered carries the new set's token: asking with it is quiet again.
    const next = /hx-get="([^"]+)"/.exec(card)![1]!.replace(/&amp;/g, '&');
    expect(next).not.toBe(poll);
    expect((await abe.fetch(next, { headers: htmx })).headers.get('hx-reswap')).toBe('none');
    // Without htmx it is the work list's business.
    expect((await abe.get(`${C}/offers`)).location).toBe(C);
    await abe.get(C);
    expect((await abe.post(`${C}/offers/${caseId}/decline`, { reason: 'BUSY' })).status).toBe(303);
  });

  it('says an offer ran out instead of failing', async () => {
    const caseId = await emailArrives('Refund still pending');
    // Offered an hour ago by a sweep, with the queue's one-hour offer time: lapsed now.
    await setPresence(as(abeId), { presence: 'AVAILABLE' });
    await sweepRouting(admin, new Date(Date.now() - 3_600_500));
    expect((await offersOf(admin, abeId)).map((o) => o.caseId)).toContain(caseId);
    const abe = await signedIn('abe@example.com');
    await abe.get(C);
    const late = await abe.post(`${C}/offers/${caseId}/accept`, {});
    // The server's own sweep may have withdrawn it first: then it is simply not open any more.
    expect([409, 404]).toContain(late.status);
    expect(late.html).toMatch(/This offer ran out; routing gives the case to the next agent\.|This offer is not open for you any more/);
    expect((await getCase(admin, caseId)).assigneeId).toBeNull();
  });
});

describe('replying and handing on from the case page', () => {
  it('sends the reply out on the case channel, recorded and announced, and gives the case back to routing', async () => {
    await setPresence(as(abeId), { presence: 'AVAILABLE' });
    const caseId = await emailArrives('Card declined');
    expect(await offeredToAbe()).toContain(caseId);
    const abe = await signedIn('abe@example.com');
    await abe.get(C);
    expect((await abe.post(`${C}/offers/${caseId}/accept`, {})).status).toBe(303);

    const page = await abe.get(`${C}/cases/${caseId}`);
    expect(page.html).toContain('Goes out by Email through “Support inbox”.');
    expect(page.html).toContain(`action="${C}/cases/${caseId}/release"`);
    const sent = await abe.post(`${C}/cases/${caseId}/reply`, { body: 'Please try the card again now.' });
    expect([sent.status, sent.location]).toEqual([303, `${C}/cases/${caseId}#conversation-h`]);
    const outbound = (await listInteractions(admin, { first: 10, filter: { caseId } })).edges.map((e) => e.node).filter((i) => i.direction === 'OUTBOUND');
    expect(outbound).toMatchObject([{ channel: 'EMAIL', body: 'Please try the card again now.', agentId: abeId }]);
    const [announced] = (await events(['interaction.outbound'])).filter((e) => e.payload.caseId === caseId);
    expect(announced?.payload).toMatchObject({ channelId: channel.id, channel: 'EMAIL', body: 'Please try the card again now.' });
    expect((announced?.payload.to as { value: string }).value).toMatch(/^olive\d+@example\.com$/);
    expect((await abe.get(`${C}/cases/${caseId}`)).html).toContain('Please try the card again now.');

    expect((await abe.fetch(`${C}/cases/${caseId}/release`, { form: {} })).status).toBe(403);
    const released = await abe.post(`${C}/cases/${caseId}/release`, {});
    expect([released.status, released.location]).toEqual([303, C]);
    expect((await getCase(admin, caseId)).assigneeId).toBeNull();
    // Not the assignee any more: the page offers no hand-on, and a post is refused in words.
    expect((await abe.get(`${C}/cases/${caseId}`)).html).not.toContain('/release"');
    const twice = await abe.post(`${C}/cases/${caseId}/release`, {});
    expect(twice.status).toBe(409);
    expect(twice.html).toContain('The case could not be handed on');
  });

  it('transfers the case to a queue, refusing an agent without room and a queue not in the list', async () => {
    await setPresence(as(abeId), { presence: 'AVAILABLE' });
    const caseId = await emailArrives('Chargeback letter');
    expect(await offeredToAbe()).toContain(caseId);
    const abe = await signedIn('abe@example.com');
    await abe.get(C);
    expect((await abe.post(`${C}/offers/${caseId}/accept`, {})).status).toBe(303);
    const page = await abe.get(`${C}/cases/${caseId}`);
    expect(page.html).toContain(`<option value="queue:${disputesId}">Disputes</option>`);
    expect(page.html).toContain(`<option value="agent:${beaId}">Bea Agent (Offline)</option>`);
    expect(page.html).not.toContain(`value="agent:${abeId}"`);

    const offline = await abe.post(`${C}/cases/${caseId}/transfer`, { to: `agent:${beaId}` });
    expect(offline.status).toBe(409);
    expect(offline.html).toContain('<p class="field__error" id="f-to-error">That agent is not available or has no room for this case.</p>');
    expect(offline.html).toContain(`<option value="agent:${beaId}" selected="">`);
    for (const to of ['queue:0190f0f0-0000-7000-8000-000000000000', 'somewhere', '']) {
      const bad = await abe.post(`${C}/cases/${caseId}/transfer`, { to });
      expect(bad.status, to).toBe(422);
      expect(bad.html).toContain('aria-describedby="f-to-hint f-to-error"');
      expect(bad.html).toContain('Choose a queue or an agent from the list.');
    }
    expect((await abe.fetch(`${C}/cases/${caseId}/transfer`, { form: { to: `queue:${disputesId}` } })).status).toBe(403);
    expect((await getCase(admin, caseId)).assigneeId).toBe(abeId);

    const moved = await abe.post(`${C}/cases/${caseId}/transfer`, { to: `queue:${disputesId}` });
    expect([moved.status, moved.location]).toEqual([303, C]);
    expect(await getCase(admin, caseId)).toMatchObject({ queueId: disputesId, assigneeId: null });
    const twice = await abe.post(`${C}/cases/${caseId}/transfer`, { to: `queue:${disputesId}` });
    expect(twice.status).toBe(409);
    expect(twice.html).toContain('The case could not be handed on');
  });

  it('refuses a reply on a channel that was disabled, keeping what was typed', async () => {
    const old = await createChannel(admin, web.platform.plugins.installer.vault, { kind: 'EMAIL', name: 'Old inbox' });
    const res = await fetch(`${web.server.url}/channels/${SLUG}/${toGlobalId('IntakeChannel', old.channel.id)}/email`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${old.secret}` },
      body: JSON.stringify({ headers: { 'Message-ID': '<old-1@mail.example>' }, from: 'Pat <pat@example.com>', subject: 'Old thread', text: 'Hello?' }),
    });
    const caseId = Buffer.from(((await res.json()) as { caseId: string }).caseId, 'base64url').toString('utf8').split(':')[1]!;
    await disableChannel(admin, old.channel.id);
    const abe = await signedIn('abe@example.com');
    expect((await abe.get(`${C}/cases/${caseId}`)).html).toContain('The case’s channel “Old inbox” is disabled: the reply cannot go out on it.');
    const refused = await abe.post(`${C}/cases/${caseId}/reply`, { body: 'Still there?' });
    expect(refused.status).toBe(422);
    expect(refused.html).toContain('<p class="field__error" id="f-body-error">The case’s channel “Old inbox” is disabled');
    expect(refused.html).toContain('>Still there?</textarea>');
    const outbound = (await listInteractions(admin, { first: 10, filter: { caseId } })).edges.filter((e) => e.node.direction === 'OUTBOUND');
    expect(outbound).toEqual([]);
  });

  it('records the reply on a case that came in on no channel, and says nothing is delivered', async () => {
    const customer = await createCustomer(admin, { name: 'Walk In' });
    const kase = await createCase(admin, { customerId: customer.id, subject: 'Asked at the desk', channel: 'PHONE' });
    const abe = await signedIn('abe@example.com');
    const page = await abe.get(`${C}/cases/${kase.id}`);
    expect(page.html).toContain('This case came in on no channel: the reply is recorded on its timeline as Phone, and nothing is delivered.');
    expect((await abe.post(`${C}/cases/${kase.id}/reply`, { body: 'Noted.' })).status).toBe(303);
    const [reply] = (await listInteractions(admin, { first: 5, filter: { caseId: kase.id } })).edges.map((e) => e.node);
    expect(reply).toMatchObject({ direction: 'OUTBOUND', channel: 'PHONE', body: 'Noted.' });
    expect((await events(['interaction.outbound'])).filter((e) => e.payload.caseId === kase.id)).toEqual([]);
  });
});
