/**
 * A world to attack the web pages in, shared by the web security tests: tenant "alpha" with
 * script and markup stored in every text its pages show (customer name, case subject and reply,
 * article, forum thread and post, brand display name, plugin config, a fixture plugin's name,
 * description and widgets, in every component field, and the service operations' channel,
 * queue, calendar and policy names and a chat message), and a plain tenant "bravo" of the same
 * shape; each with a portal customer, an agent and an admin who can sign in, a plugin installed,
 * and the records the operations, chat and telephony pages take.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiKey, seedWebUsers } from '@mosaic/core';
import { expect } from 'vitest';
import { WebVisitor } from '../../core/src/web/testing/web-visitor.js';
import { create, localOf, ok, seedWorld, type World } from './fixtures.js';
import { startTestPlatform, type Client, type TestPlatform } from './harness.js';
import { publishBuiltPlugins } from './publish-built-plugin.js';

const FIXTURES = fileURLToPath(new URL('../../core/src/plugins/testing/fixtures/', import.meta.url));
export const HOSTILE_WIDGETS = 'acme.hostile-widgets';
export const WIDGET_BOARD = 'acme.widget-board';
/** Stored in every text field the pages show. */
export const XSS = '<script>window.__pwned=1</script>"><img src=x onerror=alert(1)> javascript:alert(1)';
export const PASSWORD = { customerPassword: 'customer password 1', agentPassword: 'agent password 1', adminPassword: 'admin password 1' };

export type Area = 'portal' | 'console' | 'admin';
export type Role = 'customer' | 'agent' | 'admin';
export const ROLE_OF: Record<Area, Role> = { portal: 'customer', console: 'agent', admin: 'admin' };

export interface Side {
  client: Client & { tenantId: string };
  slug: string;
  world: World;
  users: Awaited<ReturnType<typeof seedWebUsers>>;
  /** An API key id and a staff web user id, for the admin pages that take one. */
  keyId: string;
  agentUserId: string;
  hostileCase?: string;
  hostileArticle?: string;
  hostileThread?: string;
  /** Local ids of the records the service operations, chat and telephony pages take. */
  ops: Operations;
}

/** The tenant's own records behind the operations, chat and telephony routes (local ids). */
export interface Operations {
  /** An email channel (the rotate and disable pages). */
  channel: string;
  /** A queue with routing configured (the channels' default queue). */
  queue: string;
  calendar: string;
  policy: string;
  /** The case of a chat the portal customer started on the tenant's chat channel. */
  chat: string;
  /** The case offered to the agent (the chat; its offer stays open). */
  offer: string;
  /** A phone call interaction on the portal customer's timeline. */
  call: string;
}

/**
 * Creates the operations records through the API (which runs the same use-cases the admin
 * pages do), and a chat through the portal's own form, as the tenant's portal customer.
 */
async function seedOperations(tp: TestPlatform, client: Side['client'], world: World, users: Side['users'], slug: string, text: (what: string) => string): Promise<Operations> {
  const queue = (await create(client, 'createQueue', { name: text('Queue') })).queue.id;
  // An offer stays open for the whole run: none lapses (and writes) while the suite compares dumps.
  await create(client, 'configureQueueRouting', { queueId: queue, priority: 2, skills: [{ skill: 'billing', level: 1 }], offerTimeoutSeconds: 3600 });
  const channel = (await create(client, 'createChannel', { kind: 'EMAIL', name: text('Channel'), defaultQueueId: queue })).channel.id;
  await create(client, 'createChannel', { kind: 'CHAT', name: text('Chat'), defaultQueueId: queue });
  const calendar = (await create(client, 'createSlaCalendar', { name: text('Calendar'), timeZone: 'Europe/Paris', periods: [{ weekday: 'MONDAY', start: '09:00', end: '17:00' }] })).calendar.id;
  // Urgent cases only, so the policy puts no targets on the cases the tests make.
  const policy = (await create(client, 'createSlaPolicy', {
    name: text('Policy'), conditions: { priorities: ['URGENT'] }, calendarId: calendar, targets: [{ kind: 'FIRST_RESPONSE', minutes: 600 }],
  })).policy.id;
  const call = (await create(client, 'addInteraction', { customerId: world.customer, caseId: world.case, channel: 'PHONE', direction: 'INBOUND', body: text('Call') })).interaction.id;
  // The portal customer moderates the forums, so moderation forms aimed at another tenant's thread reach the lookup.
  await create(client, 'setCommunityModerator', { customerId: world.customer, moderator: true });
  const customer = new WebVisitor(tp.server.url);
  const { status } = await customer.signIn(slug, 'portal', users.customer.email, PASSWORD.customerPassword);
  expect(status, `portal sign-in of ${users.customer.email}`).toBe(303);
  await customer.get(`/t/${slug}/portal/chat`);
  const started = await customer.post(`/t/${slug}/portal/chat`, { text: text('Chat message'), messageId: `attack-${slug}-chat` });
  expect(started.location, 'the chat started').toMatch(new RegExp(`^/t/${slug}/portal/chat/[0-9a-f-]{36}$`));
  const chat = started.location!.split('/').pop()!;
  // The chat waits on the routed queue: with the agent available, routing's sweep offers it to them.
  await create(client, 'setPresence', { agentId: world.agent, presence: 'AVAILABLE' });
  const data = await tp.platform.tenants.get(client.tenantId);
  const stateOf = async () => (await data.client.execute({ sql: `select state from routing_work_items where case_id = ?`, args: [chat] })).rows[0]?.['state'];
  for (const until = Date.now() + 10_000; (await stateOf()) !== 'OFFERED' && Date.now() < until;) await new Promise((r) => setTimeout(r, 100));
  expect(await stateOf(), `the chat offered to ${slug}'s agent`).toBe('OFFERED');
  return {
    channel: localOf(channel), queue: localOf(queue), calendar: localOf(calendar), policy: localOf(policy), chat, offer: chat, call: localOf(call),
  };
}

async function prepare(tp: TestPlatform, slug: string, hostile: boolean): Promise<Side> {
  const client = await tp.tenant(slug);
  const world = await seedWorld(client, slug);
  const extra: Partial<Side> = {};
  if (hostile) {
    // The customer the portal user belongs to gets a hostile name before the user is made from it.
    ok(await client.gql(`mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { customer { id } } }`, { i: { id: world.customer, name: `Eve ${XSS}` } }));
    extra.hostileCase = (await create(client, 'createCase', { customerId: world.customer, subject: `Subject ${XSS}` })).case.id;
    await create(client, 'addInteraction', { customerId: world.customer, caseId: extra.hostileCase, channel: 'EMAIL', direction: 'INBOUND', body: `Reply ${XSS}` });
    extra.hostileArticle = (await create(client, 'createKnowledgeArticle', { title: `Title ${XSS}`, body: `Body ${XSS}\n[link](javascript:alert(1))`, status: 'PUBLISHED' })).article.id;
    const thread = await create(client, 'createCommunityThread', { title: `Thread ${XSS}`, body: `Post ${XSS}`, authorCustomerId: world.customer });
    extra.hostileThread = thread.thread.id;
    await create(client, 'createCommunityPost', { threadId: thread.thread.id, body: `Answer ${XSS}`, authorAgentId: world.agent });
  }
  const data = await tp.platform.tenants.get(client.tenantId);
  const users = await seedWebUsers(data, PASSWORD);
  const { id: keyId } = await createApiKey(tp.platform.control.db, { tenantId: client.tenantId, role: 'integrator' });
  const agentUser = await data.client.execute(`select id from web_users where role = 'agent' limit 1`);
  const ops = await seedOperations(tp, client, world, users, slug, (what) => (hostile ? `${what} ${XSS}` : `${what} ${slug}`));
  return { client, slug, world, users, keyId, agentUserId: String(agentUser.rows[0]![0]), ops, ...extra } as Side;
}

/** Tenant A's pages that show the stored hostile texts, with the role that sees them (null: a visitor). */
export const hostilePages = (A: Side): [Role | null, string][] => [
  ['customer', '/t/alpha/portal'],
  ['customer', `/t/alpha/portal/cases/${localOf(A.hostileCase!)}`],
  ['customer', '/t/alpha/portal/cases'],
  ['customer', `/t/alpha/portal/knowledge/${localOf(A.hostileArticle!)}`],
  ['customer', '/t/alpha/portal/knowledge?q=Title'],
  ['customer', '/t/alpha/portal/community'],
  ['customer', `/t/alpha/portal/community/${localOf(A.hostileThread!)}`],
  ['customer', `/t/alpha/portal/orders/${localOf(A.world.order)}`],
  ['agent', '/t/alpha/console'],
  ['agent', `/t/alpha/console/customers/${localOf(A.world.customer)}`],
  ['agent', `/t/alpha/console/cases/${localOf(A.hostileCase!)}`],
  ['agent', `/t/alpha/console/orders/${localOf(A.world.order)}`],
  ['admin', `/t/alpha/admin/plugins/${HOSTILE_WIDGETS}`],
  ['admin', '/t/alpha/admin'],
  ['admin', '/t/alpha/admin/marketplace'],
  ['admin', `/t/alpha/admin/marketplace/${HOSTILE_WIDGETS}`],
  ['admin', '/t/alpha/admin/plugins'],
  ['admin', `/t/alpha/admin/plugins/${HOSTILE_WIDGETS}/health`],
  ['admin', `/t/alpha/admin/plugins/${HOSTILE_WIDGETS}/uninstall`],
  ['admin', '/t/alpha/admin/branding'],
  ['admin', '/t/alpha/admin/channels'],
  ['admin', `/t/alpha/admin/channels/${A.ops.channel}/rotate`],
  ['admin', '/t/alpha/admin/queues'],
  ['admin', `/t/alpha/admin/queues/${A.ops.queue}`],
  ['admin', '/t/alpha/admin/calendars'],
  ['admin', `/t/alpha/admin/calendars/${A.ops.calendar}`],
  ['admin', '/t/alpha/admin/sla-policies'],
  ['admin', `/t/alpha/admin/sla-policies/${A.ops.policy}`],
  ['agent', '/t/alpha/console/chats'],
  ['agent', `/t/alpha/console/chats/${A.ops.chat}`],
  ['customer', `/t/alpha/portal/chat/${A.ops.chat}`],
  [null, '/t/alpha/portal/sign-in'], // the brand's display name, to a visitor
];

/** The attack world, its tenants and tenant A's signed-in visitors by role. */
export interface AttackWorld {
  tp: TestPlatform;
  A: Side;
  B: Side;
  sessions: Record<Role, WebVisitor>;
  close(): Promise<void>;
}

/** Starts a platform with the two tenants, their plugins and users, and signs A's users in. */
export async function startAttackWorld(): Promise<AttackWorld> {
  const tp = await startTestPlatform();
  const [A, B] = [await prepare(tp, 'alpha', true), await prepare(tp, 'bravo', false)];
  const outDir = mkdtempSync(join(tmpdir(), 'mosaic-web-attack-'));
  const sessions = {} as Record<Role, WebVisitor>;
  try {
    await publishBuiltPlugins(tp.platform, A.client, [join(FIXTURES, 'hostile-widgets'), join(FIXTURES, 'widget-board')], outDir, 'acme');
    ok(await A.client.gql(`mutation($i: InstallPluginInput!) { installPlugin(input: $i) { installation { id } } }`,
      { i: { pluginId: HOSTILE_WIDGETS, version: '0.0.0-fixture', config: { motto: `Motto ${XSS}` } } }));
    ok(await B.client.gql(`mutation($i: InstallPluginInput!) { installPlugin(input: $i) { installation { id } } }`,
      { i: { pluginId: WIDGET_BOARD, version: '0.0.0-fixture', grantScopes: ['customers:read', 'orders:read', 'cases:write', 'storage'] } }));
    for (const role of ['customer', 'agent', 'admin'] as const) {
      sessions[role] = new WebVisitor(tp.server.url);
      const area: Area = role === 'customer' ? 'portal' : role === 'agent' ? 'console' : 'admin';
      const email = role === 'admin' ? A.users.admin.email : A.users[role].email;
      const { status } = await sessions[role].signIn('alpha', area, email, PASSWORD[`${role}Password`]);
      expect(status, `${area} sign-in of ${email}`).toBe(303);
      await sessions[role].get(`/t/alpha/${area}`);
    }
    // The display name goes in through the admin's own branding form.
    const admin = sessions.admin;
    const { html: form } = await admin.get('/t/alpha/admin/branding');
    const valueOf = (name: string) => /value="([^"]*)"/.exec(new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(form)?.[0] ?? '')?.[1] ?? '';
    const saved = await admin.fetch('/t/alpha/admin/branding', { method: 'POST', form: {
      _csrf: admin.csrf, displayName: `Brand ${XSS}`.slice(0, 100), primaryColor: valueOf('primaryColor'), accentColor: valueOf('accentColor'),
      enabledLocales: 'en', defaultLocale: 'en', customDomain: '',
    } });
    expect(saved.headers.get('location')).toMatch(/done=brandingSaved/);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  return { tp, A, B, sessions, close: () => tp.close() };
}
