/**
 * A world to attack the web pages in, shared by the web security tests: tenant "alpha" with
 * script and markup stored in every text its pages show (customer name, case subject and reply,
 * article, forum thread and post, brand display name, plugin config, and a fixture plugin's
 * name, description and widgets, in every component field), and a plain tenant "bravo" of the
 * same shape; each with a portal customer, an agent and an admin who can sign in, and a plugin
 * installed.
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
  return { client, slug, world, users, keyId, agentUserId: String(agentUser.rows[0]![0]), ...extra } as Side;
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
