/**
 * The portal's live chat and its console side over real HTTP on loopback: real tenant databases,
 * the tenant's chat channel, two customers, an agent, and a second tenant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCase } from '../../domain/cases.js';
import { createChannel } from '../../domain/intake/index.js';
import { listInteractions } from '../../domain/interactions.js';
import { liveEvents } from '../../domain/live-events.js';
import type { TenantContext } from '../../tenancy/context.js';
import { createTenant } from '../../tenancy/tenants.js';
import type { WebUser } from '../../tenancy/web-users.js';
import { SESSION_CHECK_MS } from '../console/live.js';
import { createStaffUser, signUpCustomer } from '../session/index.js';
import { WebVisitor } from '../testing/web-visitor.js';
import { startWebTestServer, type WebTestServer } from '../testing/web-test-server.js';
import { eventually, readUntil } from '../testing/stream-reading.js';

let web: WebTestServer;
let shop: TenantContext;
let other: TenantContext;
let xena: WebUser;

const P = '/t/chat-shop/portal';
const C = '/t/chat-shop/console';
const PASSWORD = 'correct horse battery';

async function tenant(slug: string): Promise<TenantContext> {
  const { tenant: row } = await createTenant(web.platform.control.db, web.platform.tenants, { slug, name: slug });
  return { tenantId: row.id, tenantSlug: slug, role: 'admin', actor: 'test', agentId: null, data: await web.platform.tenants.get(row.id) };
}

async function signedIn(slug: string, area: 'portal' | 'console', email: string, password = PASSWORD): Promise<WebVisitor> {
  const v = new WebVisitor(web.server.url);
  expect((await v.signIn(slug, area, email, password)).status).toBe(303);
  return v;
}

/** A form token as the page draws one (the message's id for intake). */
const token = (html: string) => /name="messageId" value="([^"]+)"/.exec(html)![1]!;

/** Starts a chat as customer `v`; answers the chat's case id. */
async function startChat(v: WebVisitor, text: string, slug = 'chat-shop'): Promise<string> {
  const page = await v.get(`/t/${slug}/portal/chat`);
  expect(page.status).toBe(200);
  const res = await v.post(`/t/${slug}/portal/chat`, { text, messageId: token(page.html) });
  expect(res.status).toBe(303);
  return new RegExp(`/t/${slug}/portal/chat/([^/?#]+)$`).exec(res.location!)![1]!;
}


const messagesOf = async (ctx: TenantContext, caseId: string) =>
  (await listInteractions(ctx, { first: 100, filter: { caseId } })).edges.map((e) => e.node).reverse();

beforeAll(async () => {
  web = await startWebTestServer();
  shop = await tenant('chat-shop');
  other = await tenant('chat-other');
  const vault = web.platform.plugins.installer.vault;
  for (const ctx of [shop, other]) {
    await createChannel(ctx, vault, { kind: 'CHAT', name: 'Web chat' });
    await createStaffUser(ctx.data, { id: 'setup', role: 'admin' }, { role: 'agent', name: 'Abe Agent', email: 'abe@example.com', password: 'agent password 1' });
  }
  xena = await signUpCustomer(shop.data, { name: 'Xena', email: 'xena@example.com', password: PASSWORD });
  await signUpCustomer(shop.data, { name: 'Yuri', email: 'yuri@example.com', password: PASSWORD });
  await signUpCustomer(other.data, { name: 'Xena Elsewhere', email: 'xena@example.com', password: PASSWORD });
  // A tenant without a chat channel: its portal offers no chat.
  const plain = await tenant('chat-none');
  await signUpCustomer(plain.data, { name: 'Nell', email: 'nell@example.com', password: PASSWORD });
}, 60_000);
afterAll(() => web?.close());

describe('portal chat', () => {
  it('opens a chat through the chat channel, the agent answers on it, and both pages show the conversation', async () => {
    const x = await signedIn('chat-shop', 'portal', 'xena@example.com');
    const caseId = await startChat(x, 'My <b>order</b> is late');
    const kase = await getCase(shop, caseId);
    expect(kase).toMatchObject({ channel: 'CHAT', customerId: xena.customerId, status: 'NEW' });
    const page = await x.get(`${P}/chat/${caseId}`);
    expect(page.html).toContain('My &lt;b&gt;order&lt;/b&gt; is late');
    expect(page.html).toMatch(new RegExp(`sse-connect="${P}/chat/${caseId}/live\\?since=[0-9]+~[A-Za-z0-9_-]+"`));

    expect((await x.get(P)).html).toContain(`href="${P}/chat"`);
    const a = await signedIn('chat-shop', 'console', 'abe@example.com', 'agent password 1');
    expect((await a.get(`${C}/chats`)).html).toContain(`href="${C}/chats/${caseId}"`);
    expect((await a.get(`${C}/cases/${caseId}`)).html).toContain(`href="${C}/chats/${caseId}"`);
    const agentPage = await a.get(`${C}/chats/${caseId}`);
    expect(agentPage.html).toContain('My &lt;b&gt;order&lt;/b&gt; is late');
    expect(await a.post(`${C}/chats/${caseId}/reply`, { text: 'It ships today.' })).toMatchObject({ status: 303, location: `${C}/chats/${caseId}#chat-answer` });
    expect((await x.get(`${P}/chat/${caseId}`)).html).toContain('It ships today.');

    // The answer went out on the chat's channel, as an outbound interaction of the case.
    const messages = await messagesOf(shop, caseId);
    expect(messages.map((m) => [m.direction, m.channel, m.body])).toEqual([
      ['INBOUND', 'CHAT', 'My <b>order</b> is late'], ['OUTBOUND', 'CHAT', 'It ships today.'],
    ]);
    expect(messages.every((m) => m.customerId === xena.customerId)).toBe(true);

    // A form sent twice (the same token) is one message.
    const form = await x.get(`${P}/chat/${caseId}`);
    for (let i = 0; i < 2; i++) expect((await x.post(`${P}/chat/${caseId}/messages`, { text: 'Thanks!', messageId: token(form.html) })).status).toBe(303);
    expect((await messagesOf(shop, caseId)).filter((m) => m.body === 'Thanks!')).toHaveLength(1);

    // Ending it: the page says so, and neither side can write in it any more.
    expect((await x.post(`${P}/chat/${caseId}/end`, {})).status).toBe(303);
    const ended = await x.get(`${P}/chat/${caseId}`);
    expect(ended.html).toContain('This chat has ended.');
    expect(ended.html).not.toContain('sse-connect');
    expect(await x.post(`${P}/chat/${caseId}/messages`, { text: 'Still there?', messageId: 'late-token-123' })).toMatchObject({ status: 303, location: `${P}/chat/${caseId}` });
    expect(await a.post(`${C}/chats/${caseId}/reply`, { text: 'Hello?' })).toMatchObject({ status: 303, location: `${C}/chats/${caseId}` });
    expect((await messagesOf(shop, caseId)).map((m) => m.body)).not.toContain('Still there?');
  });

  it('streams the agent\'s answer to the customer and the customer\'s message to the agent, live', async () => {
    const x = await signedIn('chat-shop', 'portal', 'xena@example.com');
    const caseId = await startChat(x, 'Is anyone there?');
    const a = await signedIn('chat-shop', 'console', 'abe@example.com', 'agent password 1');
    const customerAbort = new AbortController();
    const agentAbort = new AbortController();
    const customerStream = await x.fetch(`${P}/chat/${caseId}/live`, { signal: customerAbort.signal });
    const agentStream = await a.fetch(`${C}/chats/${caseId}/live`, { signal: agentAbort.signal });
    expect([customerStream.status, agentStream.status]).toEqual([200, 200]);
    expect(customerStream.headers.get('content-type')).toMatch(/^text\/event-stream/);

    const page = await x.get(`${P}/chat/${caseId}`);
    await x.post(`${P}/chat/${caseId}/messages`, { text: 'I need help with a refund', messageId: token(page.html) });
    const agentSaw = await readUntil(agentStream, (s) => s.includes('refund'));
    expect(agentSaw).toContain('event: message');
    expect(agentSaw).toMatch(/<li class="chat-message" id="m-/);

    await a.get(`${C}/chats/${caseId}`);
    await a.post(`${C}/chats/${caseId}/reply`, { text: 'Refund on its way' });
    const customerSaw = await readUntil(customerStream, (s) => s.includes('Refund on its way'));
    expect(customerSaw).toContain('Support');
    // Another chat's messages never reach this stream.
    expect(customerSaw).not.toContain('Is anyone there? elsewhere');
    customerAbort.abort();
    agentAbort.abort();
    await eventually(() => liveEvents.listenerCount(shop.tenantId) === 0);
  });

  it('catches a reconnecting page up from its last message, and nothing older', async () => {
    const x = await signedIn('chat-shop', 'portal', 'xena@example.com');
    const caseId = await startChat(x, 'First words');
    const page = (await x.get(`${P}/chat/${caseId}`)).html;
    const live = /sse-connect="([^"]+)"/.exec(page)![1]!.replaceAll('&amp;', '&');
    const a = await signedIn('chat-shop', 'console', 'abe@example.com', 'agent password 1');
    await a.get(`${C}/chats/${caseId}`);
    // Answered after the page was read and before its stream opened.
    await a.post(`${C}/chats/${caseId}/reply`, { text: 'Answered in between' });
    const abort = new AbortController();
    const text = await readUntil(await x.fetch(live, { signal: abort.signal }), (s) => s.includes('Answered in between'));
    expect(text).not.toContain('First words');
    abort.abort();
    await eventually(() => liveEvents.listenerCount(shop.tenantId) === 0);
  });

  it('ends a customer\'s chat stream within seconds of their signing out', async () => {
    const x = await signedIn('chat-shop', 'portal', 'xena@example.com');
    const caseId = await startChat(x, 'Signing out soon');
    const res = await x.fetch(`${P}/chat/${caseId}/live`);
    expect(res.status).toBe(200);
    await x.get(P);
    expect((await x.post(`${P}/sign-out`, {})).status).toBe(303);
    const signedOutAt = Date.now();
    const reader = res.body!.getReader();
    for (;;) {
      const { done } = await Promise.race([reader.read(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('still open')), SESSION_CHECK_MS + 5_000))]);
      if (done) break;
    }
    expect(Date.now() - signedOutAt).toBeLessThan(SESSION_CHECK_MS + 3_000);
    await eventually(() => liveEvents.listenerCount(shop.tenantId) === 0);
    expect((await x.fetch(`${P}/chat/${caseId}/live`)).status).toBe(303);
  });

  it('never shows or streams one customer\'s chat to another, nor across tenants', async () => {
    const x = await signedIn('chat-shop', 'portal', 'xena@example.com');
    const caseId = await startChat(x, 'Private matter');
    const y = await signedIn('chat-shop', 'portal', 'yuri@example.com');
    const yPage = await y.get(`${P}/chat`);
    expect(yPage.html).not.toContain(caseId);
    expect((await y.get(`${P}/chat/${caseId}`)).status).toBe(404);
    expect((await y.fetch(`${P}/chat/${caseId}/live`)).status).toBe(404);
    expect((await y.post(`${P}/chat/${caseId}/messages`, { text: 'Sneaking in', messageId: token(yPage.html) })).status).toBe(404);
    expect((await y.post(`${P}/chat/${caseId}/end`, {})).status).toBe(404);
    expect((await messagesOf(shop, caseId)).map((m) => m.body)).toEqual(['Private matter']);
    expect(liveEvents.listenerCount(shop.tenantId)).toBe(0);

    // The same case id in another tenant (its customer, its agent) is as unknown as a made-up one.
    const elsewhere = await signedIn('chat-other', 'portal', 'xena@example.com');
    expect((await elsewhere.get(`/t/chat-other/portal/chat/${caseId}`)).status).toBe(404);
    expect((await elsewhere.fetch(`/t/chat-other/portal/chat/${caseId}/live`)).status).toBe(404);
    const otherAgent = await signedIn('chat-other', 'console', 'abe@example.com', 'agent password 1');
    expect((await otherAgent.get(`/t/chat-other/console/chats/${caseId}`)).status).toBe(404);
    expect((await otherAgent.fetch(`/t/chat-other/console/chats/${caseId}/live`)).status).toBe(404);
    await otherAgent.get('/t/chat-other/console/chats');
    expect((await otherAgent.post(`/t/chat-other/console/chats/${caseId}/reply`, { text: 'Wrong tenant' })).status).toBe(404);
    // A case that is not a chat has no chat page.
    const a = await signedIn('chat-shop', 'console', 'abe@example.com', 'agent password 1');
    expect((await a.get(`${C}/chats/not-a-case`)).status).toBe(404);
    expect((await messagesOf(shop, caseId)).map((m) => m.body)).toEqual(['Private matter']);
  });

  it('asks for the form\'s token and a signed-in customer, and shows no chat where the tenant has none', async () => {
    const x = await signedIn('chat-shop', 'portal', 'xena@example.com');
    const caseId = await startChat(x, 'Token check');
    const page = await x.get(`${P}/chat/${caseId}`);
    x.csrf = 'forged';
    expect((await x.post(`${P}/chat/${caseId}/messages`, { text: 'Forged', messageId: token(page.html) })).status).toBe(403);
    expect((await x.post(`${P}/chat`, { text: 'Forged start', messageId: token(page.html) })).status).toBe(403);
    const a = await signedIn('chat-shop', 'console', 'abe@example.com', 'agent password 1');
    a.csrf = 'forged';
    expect((await a.post(`${C}/chats/${caseId}/reply`, { text: 'Forged answer' })).status).toBe(403);
    expect((await messagesOf(shop, caseId)).map((m) => m.body)).toEqual(['Token check']);

    const visitor = new WebVisitor(web.server.url);
    expect((await visitor.fetch(`${P}/chat/${caseId}`)).status).toBe(303);
    expect((await visitor.fetch(`${P}/chat/${caseId}/live`)).status).toBe(303);
    // In Spanish for a Spanish-speaking browser, problems too.
    const es = new WebVisitor(web.server.url, { 'accept-language': 'es' });
    expect((await es.signIn('chat-shop', 'portal', 'yuri@example.com', PASSWORD)).status).toBe(303);
    const home = await es.get(`${P}/chat`);
    expect(home.html).toContain('Chatee con nosotros');
    expect((await es.post(`${P}/chat`, { text: '', messageId: token(home.html) })).html).toContain('Escriba un mensaje.');
    const nell = await signedIn('chat-none', 'portal', 'nell@example.com');
    expect((await nell.get('/t/chat-none/portal/chat')).status).toBe(404);
    expect((await nell.get('/t/chat-none/portal')).html).not.toContain('/portal/chat"');
  });

  it('refuses an empty or too long message with 422 beside the field, keeping what was typed', async () => {
    const x = await signedIn('chat-shop', 'portal', 'xena@example.com');
    const home = await x.get(`${P}/chat`);
    const empty = await x.post(`${P}/chat`, { text: '   ', messageId: token(home.html) });
    expect(empty.status).toBe(422);
    expect(empty.html).toContain('Write a message.');
    expect(empty.html).toMatch(/aria-invalid="true" aria-describedby="f-text-error"/);

    const caseId = await startChat(x, 'Length check');
    const page = await x.get(`${P}/chat/${caseId}`);
    const long = `${'a'.repeat(4_000)}b`;
    const tooLong = await x.post(`${P}/chat/${caseId}/messages`, { text: long, messageId: token(page.html) });
    expect(tooLong.status).toBe(422);
    expect(tooLong.html).toContain('A message has at most 4,000 characters.');
    expect(tooLong.html).toContain(long);
    // htmx only swaps answers in the 200s: its request gets the same form with the problem.
    const viaHtmx = await x.post(`${P}/chat/${caseId}/messages`, { text: long, messageId: token(page.html) }, { 'hx-request': 'true' });
    expect(viaHtmx.status).toBe(200);
    expect(viaHtmx.html).toContain('A message has at most 4,000 characters.');
    // A forged form token is not something the page lets anyone type: a plain coded refusal.
    const forgedToken = await x.post(`${P}/chat/${caseId}/messages`, { text: 'ok', messageId: 'x' });
    expect([forgedToken.status, forgedToken.html]).toEqual([400, expect.stringContaining('BAD_USER_INPUT')]);

    const a = await signedIn('chat-shop', 'console', 'abe@example.com', 'agent password 1');
    await a.get(`${C}/chats/${caseId}`);
    const agentLong = await a.post(`${C}/chats/${caseId}/reply`, { text: long });
    expect(agentLong.status).toBe(422);
    expect(agentLong.html).toContain('A message has at most 4,000 characters.');
    const agentEmpty = await a.post(`${C}/chats/${caseId}/reply`, { text: '' });
    expect([agentEmpty.status, agentEmpty.html.includes('Write a message.')]).toEqual([422, true]);
    expect((await messagesOf(shop, caseId)).map((m) => m.body)).toEqual(['Length check']);
  });
});
