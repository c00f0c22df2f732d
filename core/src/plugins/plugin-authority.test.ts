/**
 * DESIGN.md decision 12, end to end: a plugin never acts with more rights than whoever caused
 * the call. Every role (admin, agent, integrator) × every kind of plugin entry point (Query
 * field, object-type field, plugin Mutation field, event handler, webhook) × every write
 * capability (cases.create, cases.update, emit, and storage, which stays allowed), over real
 * GraphQL and HTTP against the real stack. A refused write must leave nothing behind: no case, no
 * change, no outbox row, no audit row; an allowed one must name the installation and the caller.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../db/control-schema.js';
import { cases, outbox, pluginStorage } from '../db/tenant-schema.js';
import type { TenantDb } from '../db/tenant-db.js';
import type { RunningServer } from '../http/server.js';
import { localId } from '../lib/ids.js';
import type { Platform } from '../platform.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from './events/index.js';
import { eventually } from './testing/eventually.js';
import type { Gql } from './testing/graphql-client.js';
import { startPluginTestServer, type PluginTestServer } from './testing/plugin-test-server.js';

const PLUGIN = 'acme.deputy';
const ACTOR = `plugin:${PLUGIN}`;
const HOOK_SECRET = 'whsec-deputy-1';
const ROLES = ['admin', 'agent', 'integrator'] as const;
type RoleName = (typeof ROLES)[number];
const OPS = ['cases.create', 'cases.update', 'emit', 'storage'] as const;
type Op = (typeof OPS)[number];

/** The GraphQL entry points, each asking the plugin to attempt `op` and answering its outcome. */
const GRAPHQL_ENTRIES = {
  'query field': {
    entry: 'field',
    query: `query($op: String!, $arg: String!) { acme_deputy_query(op: $op, arg: $arg) }`,
    outcome: (data: any) => data.acme_deputy_query as string,
  },
  'object-type field': {
    entry: 'field',
    query: `query($id: ID!, $op: String!, $arg: String!) { customer(id: $id) { acme_deputy_badge(op: $op, arg: $arg) } }`,
    outcome: (data: any) => data.customer.acme_deputy_badge as string,
  },
  'plugin mutation': {
    entry: 'mutation',
    query: `mutation($op: String!, $arg: String!) { acme_deputy_act(op: $op, arg: $arg) }`,
    outcome: (data: any) => data.acme_deputy_act as string,
  },
} as const;

describe('a plugin acts with no more rights than whoever caused the call', () => {
  let t: PluginTestServer;
  let platform: Platform;
  let server: RunningServer;
  let tenantId: string;
  let data: TenantDb;
  let installationId: string;
  const gql = {} as Record<RoleName, Gql>;
  const keyIds = {} as Record<RoleName, string>;
  let customerId: string;
  let caseId: string;

  beforeAll(async () => {
    t = await startPluginTestServer('deputy-co');
    ({ platform, server, tenantId } = t);
    data = await platform.tenants.get(tenantId);
    gql.admin = t.admin;
    keyIds.admin = (await platform.keys.verify(t.adminKey))!.keyId;
    for (const role of ['agent', 'integrator'] as const) {
      ({ gql: gql[role], keyId: keyIds[role] } = await t.keyFor(role));
    }
    expect((await t.publish('deputy')).errors).toBeUndefined();
    const installed = await gql.admin(`mutation($s: String!) { installPlugin(input: {
      pluginId: "${PLUGIN}", grantScopes: ["customers:read", "cases:write", "storage"], secrets: [{ name: "HOOK_SECRET", value: $s }]
    }) { installation { id } } }`, { s: HOOK_SECRET });
    expect(installed.errors).toBeUndefined();
    // The global id names the installation in the API; webhook paths and the audit log carry its own id.
    installationId = localId('PluginInstallation', installed.data.installPlugin.installation.id);
    const customer = await gql.admin(`mutation { createCustomer(input: { name: "Ada" }) { customer { id } } }`);
    customerId = customer.data.createCustomer.customer.id;
    const kase = await gql.admin(`mutation($c: ID!) { createCase(input: { customerId: $c, subject: "Late parcel" }) { case { id } } }`, { c: customerId });
    caseId = kase.data.createCase.case.id;
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  const argFor = (op: Op) => (op === 'cases.create' ? customerId : op === 'cases.update' ? caseId : `note-${Math.random()}`);

  /** Everything a plugin write could leave behind. */
  async function traces() {
    const [target] = await data.db.select({ updatedAt: cases.updatedAt, priority: cases.priority }).from(cases).where(eq(cases.id, localId('Case', caseId)));
    return {
      cases: (await data.db.select({ id: cases.id }).from(cases)).length,
      target,
      outbox: (await data.db.select({ id: outbox.id }).from(outbox)).length,
      audit: (await pluginAudit()).length,
    };
  }
  const pluginAudit = () => platform.control.db.select().from(auditLog)
    .where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.actor, ACTOR))).orderBy(auditLog.at);

  /** The audit row a write left, with the entry kind and caller it must name. */
  async function expectAudited(op: Exclude<Op, 'storage'>, entry: string, caller: RoleName | null, before: number) {
    const rows = await pluginAudit();
    expect(rows).toHaveLength(before + 1);
    expect(rows.at(-1)).toMatchObject({
      action: `plugin.${op}`,
      detail: { installationId, version: '1.0.0', entry, onBehalfOf: caller ? keyIds[caller] : null, callerRole: caller },
    });
    return rows.at(-1)!;
  }

  for (const [name, { entry, query, outcome }] of Object.entries(GRAPHQL_ENTRIES)) {
    for (const role of ROLES) {
      const writes = entry === 'mutation' && role !== 'integrator';
      it(`${name} called by ${role}: tenant writes ${writes ? 'allowed and audited' : 'FORBIDDEN, nothing written'}; storage allowed`, async () => {
        for (const op of OPS) {
          const before = await traces();
          const res = await gql[role](query, { op, arg: argFor(op), id: customerId });
          expect(res.errors).toBeUndefined();
          const answer = outcome(res.data);
          if (op === 'storage') {
            expect(answer).toBe('ok');
            expect(await traces()).toEqual(before);
          } else if (!writes) {
            expect(answer, `${op} from a ${name} for ${role}`).toBe('FORBIDDEN');
            expect(await traces()).toEqual(before);
          } else {
            expect(answer).toMatch(/^ok/);
            const row = await expectAudited(op, entry, role, before.audit);
            if (op === 'cases.create') {
              const id = answer.slice(3);
              expect(row.target).toBe(id);
              // The record's actor is the plugin, so the plugin never receives the event it caused.
              const [event] = await data.db.select().from(outbox).where(eq(outbox.subjectId, localId('Case', id)));
              expect(event).toMatchObject({ type: 'case.created', actor: ACTOR });
            }
            if (op === 'cases.update') expect((await traces()).target!.priority).toBe('URGENT');
            if (op === 'emit') expect(row.target).toBe(`plugin.${PLUGIN}.noted`);
          }
        }
      });
    }
  }

  it('the integrator key, read-only through the API, stays read-only through a plugin (the reported attack)', async () => {
    const direct = await gql.integrator(`mutation($c: ID!) { createCase(input: { customerId: $c, subject: "pwned" }) { case { id } } }`, { c: customerId });
    expect(direct.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const before = await traces();
    const viaPlugin = await gql.integrator(`{ acme_deputy_query(op: "cases.create", arg: "${customerId}") }`);
    expect(viaPlugin.data.acme_deputy_query).toBe('FORBIDDEN');
    const viaMutation = await gql.integrator(`mutation { acme_deputy_act(op: "cases.create", arg: "${customerId}") }`);
    expect(viaMutation.data.acme_deputy_act).toBe('FORBIDDEN');
    expect(await traces()).toEqual(before);
  });

  it('a refusal for the caller that the plugin lets escape answers FORBIDDEN and never pauses the plugin', async () => {
    const before = await traces();
    // More than the breaker's threshold (5): were these the plugin's failures, it would be paused.
    for (let i = 0; i < 8; i++) {
      const res = await gql.integrator(`mutation { acme_deputy_raw(op: "cases.create", arg: "${customerId}") }`);
      expect(res.data).toEqual({ acme_deputy_raw: null });
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(res.errors?.[0]?.message).toContain('read-only');
    }
    expect(await traces()).toEqual(before);
    const forAgent = await gql.agent(`mutation { acme_deputy_raw(op: "storage", arg: "after-refusals") }`);
    expect(forAgent.errors).toBeUndefined();
    expect(forAgent.data.acme_deputy_raw).toBe('ok');
  });

  const outcomeOf = async (subject: string) => {
    const [row] = await data.db.select({ value: pluginStorage.value }).from(pluginStorage)
      .where(and(eq(pluginStorage.pluginId, PLUGIN), eq(pluginStorage.key, `outcome:${subject}`)));
    return row ? (JSON.parse(row.value) as string) : null;
  };

  for (const role of ['admin', 'agent'] as const) {
    it(`an event handler acts as the installation, whoever (${role}) caused the event`, async () => {
      for (const op of OPS) {
        const before = (await pluginAudit()).length;
        const arg = op === 'cases.create' ? 'self' : argFor(op);
        const res = await gql[role](`mutation($n: String!) { createCustomer(input: { name: $n }) { customer { id } } }`, { n: `deputy ${op} ${arg}` });
        const subject = res.data.createCustomer.customer.id as string;
        const outcome = await eventually(() => outcomeOf(subject), (o) => o !== null);
        expect(outcome, `${op} from an event handler`).toMatch(/^ok/);
        if (op === 'storage') expect((await pluginAudit()).length).toBe(before);
        else await expectAudited(op, 'event', null, before);
      }
    }, 90_000);
  }

  it('an integrator cannot cause an event at all, so no handler runs for it', async () => {
    const res = await gql.integrator(`mutation { createCustomer(input: { name: "deputy cases.create self" }) { customer { id } } }`);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('a webhook handler acts as the installation', async () => {
    const path = `${server.url}/t/deputy-co/webhooks/${installationId}/act`;
    for (const op of OPS) {
      const before = (await pluginAudit()).length;
      const body = JSON.stringify({ op, arg: argFor(op) });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const res = await fetch(path, { method: 'POST', body, headers: { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signWebhook({ secret: HOOK_SECRET, timestamp, body }) } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { outcome: string }).outcome, `${op} from a webhook`).toMatch(/^ok/);
      if (op === 'storage') expect((await pluginAudit()).length).toBe(before);
      else await expectAudited(op, 'webhook', null, before);
    }
  });
});
