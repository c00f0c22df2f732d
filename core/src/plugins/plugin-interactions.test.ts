/**
 * `ctx.interactions.create` over real HTTP and a real isolate: a plugin records a proactive
 * interaction on a customer's timeline only with `interactions:write`, only from an entry point
 * and for a caller that may write (DESIGN.md decision 12), once per idempotency key, with an
 * audit row naming the installation and an `interaction.added` event naming the plugin.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../db/control-schema.js';
import type { TenantDb } from '../db/tenant-db.js';
import { interactions, outbox, pluginStorage } from '../db/tenant-schema.js';
import { localId } from '../lib/ids.js';
import { eventually } from './testing/eventually.js';
import type { Gql } from './testing/graphql-client.js';
import { startPluginTestServer, type PluginTestServer } from './testing/plugin-test-server.js';

const PLUGIN = 'acme.announcer';
const ACTOR = `plugin:${PLUGIN}`;
const ALL = ['customers:read', 'interactions:write', 'storage'];

describe('a plugin writes interactions on customers\' timelines', () => {
  let t: PluginTestServer;
  let data: TenantDb;
  let agent: Gql;
  let integrator: Gql;
  let agentKeyId: string;
  let customerId: string;
  let installationId: string;

  beforeAll(async () => {
    t = await startPluginTestServer('announcer-co');
    data = await t.platform.tenants.get(t.tenantId);
    ({ gql: agent, keyId: agentKeyId } = await t.keyFor('agent'));
    ({ gql: integrator } = await t.keyFor('integrator'));
    // 1.0.0 stands for a version that never asked for interactions:write, so it is not granted.
    const narrow = await t.publish('announcer', '1.0.0', 'version', (m) => ({ ...m, scopes: ['customers:read', 'storage'] }));
    expect(narrow.errors).toBeUndefined();
    expect((await t.publish('announcer', '2.0.0')).errors).toBeUndefined();
    const installed = await t.admin(`mutation { installPlugin(input: { pluginId: "${PLUGIN}", version: "1.0.0", grantScopes: ["customers:read", "storage"] }) { installation { id } } }`);
    expect(installed.errors).toBeUndefined();
    installationId = localId('PluginInstallation', installed.data.installPlugin.installation.id);
    const customer = await t.admin(`mutation { createCustomer(input: { name: "Ada" }) { customer { id } } }`);
    customerId = customer.data.createCustomer.customer.id;
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  const pluginAudit = () => t.platform.control.db.select().from(auditLog)
    .where(and(eq(auditLog.tenantId, t.tenantId), eq(auditLog.actor, ACTOR), eq(auditLog.action, 'plugin.interactions.create')));
  /** Everything a write could leave behind. */
  const traces = async () => ({
    interactions: (await data.db.select({ id: interactions.id }).from(interactions)).length,
    outbox: (await data.db.select({ id: outbox.id }).from(outbox).where(eq(outbox.type, 'interaction.added'))).length,
    audit: (await pluginAudit()).length,
  });
  const note = (gql: Gql, key: string) =>
    gql(`mutation($c: ID!, $k: String!) { acme_announcer_note(customerId: $c, key: $k) }`, { c: customerId, k: key });

  it('without interactions:write granted, even an allowed caller is FORBIDDEN and nothing is written', async () => {
    const before = await traces();
    const res = await note(agent, 'no-scope');
    expect(res.errors).toBeUndefined();
    expect(res.data.acme_announcer_note).toBe('FORBIDDEN');
    expect(await traces()).toEqual(before);
  });

  it('once granted: Query and object-type fields and an integrator\'s mutation are FORBIDDEN, nothing written', async () => {
    const upgraded = await t.admin(`mutation($s: [String!]) { upgradePlugin(input: { pluginId: "${PLUGIN}", version: "2.0.0", grantScopes: $s }) { installation { id } } }`, { s: ALL });
    expect(upgraded.errors).toBeUndefined();
    const before = await traces();
    const query = await t.admin(`query($c: ID!) { acme_announcer_query(customerId: $c, key: "q") }`, { c: customerId });
    expect(query.data.acme_announcer_query).toBe('FORBIDDEN');
    const field = await t.admin(`query($c: ID!) { customer(id: $c) { acme_announcer_badge(key: "f") } }`, { c: customerId });
    expect(field.data.customer.acme_announcer_badge).toBe('FORBIDDEN');
    const readOnly = await note(integrator, 'ro');
    expect(readOnly.data.acme_announcer_note).toBe('FORBIDDEN');
    expect(await traces()).toEqual(before);
  });

  it('a plugin mutation called by an agent writes once per key, audited with the caller, on the customer\'s timeline', async () => {
    const before = await traces();
    const first = await note(agent, 'welcome:1');
    expect(first.errors).toBeUndefined();
    expect(first.data.acme_announcer_note).toMatch(/^ok /);
    const again = await note(agent, 'welcome:1');
    expect(again.data.acme_announcer_note).toBe(first.data.acme_announcer_note);
    const id = (first.data.acme_announcer_note as string).slice(3);
    expect(await traces()).toEqual({ interactions: before.interactions + 1, outbox: before.outbox + 1, audit: before.audit + 2 });
    const [event] = await data.db.select().from(outbox).where(eq(outbox.subjectId, localId('Interaction', id)));
    expect(event).toMatchObject({ type: 'interaction.added', actor: ACTOR });
    expect((await pluginAudit()).at(-1)).toMatchObject({ target: id, detail: { installationId, entry: 'mutation', onBehalfOf: agentKeyId, callerRole: 'agent' } });
    const timeline = await agent(`query($c: ID!) { customer(id: $c) { interactions(first: 5) { edges { node { id subject direction channel } } } } }`, { c: customerId });
    expect(timeline.data.customer.interactions.edges).toEqual([
      { node: { id, subject: 'Your parcel is delayed', direction: 'OUTBOUND', channel: 'EMAIL' } },
    ]);
  });

  it('an event handler that writes twice with one key leaves one interaction, audited as the installation', async () => {
    const before = await traces();
    const res = await t.admin(`mutation { createCustomer(input: { name: "announce delay:42" }) { customer { id } } }`);
    const subject = res.data.createCustomer.customer.id as string;
    const outcome = await eventually(async () => {
      const [stored] = await data.db.select({ value: pluginStorage.value }).from(pluginStorage)
        .where(and(eq(pluginStorage.pluginId, PLUGIN), eq(pluginStorage.key, `outcome:${subject}`)));
      return stored ? (JSON.parse(stored.value) as string[]) : null;
    }, (o) => o !== null);
    expect(outcome).toHaveLength(2);
    expect(outcome![0]).toMatch(/^ok /);
    expect(outcome![1]).toBe(outcome![0]);
    const [row] = await data.db.select().from(interactions).where(eq(interactions.customerId, localId('Customer', subject)));
    expect(row).toMatchObject({ sourceInstallationId: installationId, idempotencyKey: 'delay:42', direction: 'OUTBOUND' });
    expect(await traces()).toEqual({ interactions: before.interactions + 1, outbox: before.outbox + 1, audit: before.audit + 2 });
    expect((await pluginAudit()).at(-1)).toMatchObject({ detail: { installationId, entry: 'event', onBehalfOf: null, callerRole: null } });
  }, 60_000);
});
