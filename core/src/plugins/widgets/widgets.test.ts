/**
 * The widget runtime with real parts: fixture plugins built by the SDK, published and installed
 * through the admin API, rendered in the supervised sandbox against a real tenant database.
 */
import { and, desc, eq } from 'drizzle-orm';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../db/control-schema.js';
import { cases, pluginStorage } from '../../db/tenant-schema.js';
import { createCase, type Case } from '../../domain/cases.js';
import type { Customer } from '../../domain/customers.js';
import type { Order } from '../../domain/orders.js';
import { localId, toGlobalId } from '../../lib/ids.js';
import type { TenantContext } from '../../tenancy/context.js';
import { createTenant } from '../../tenancy/tenants.js';
import { seedCustomer, seedOrder } from '../host/test-fixtures.js';
import type { Caller } from '../host/index.js';
import { findInstallationById } from '../installer/index.js';
import { startPluginTestServer, type PluginTestServer } from '../testing/plugin-test-server.js';
import type { WidgetResult } from './index.js';

const BOARD = 'acme.widget-board';
const FAULTY = 'acme.widget-faulty';

let t: PluginTestServer;
let tenant: TenantContext;
let ada: Customer;
let bob: Customer;
let adaOrder: Order;
let bobOrder: Order;
let adaCase: Case;
const installations: Record<string, string> = {};
const agent: Caller = { actor: 'key-agent', role: 'agent' };
const integrator: Caller = { actor: 'key-ro', role: 'integrator' };
let adaViewer: Caller;

const install = async (pluginId: string, scopes: string[]) => {
  const res = await t.admin(`mutation($i: InstallPluginInput!) { installPlugin(input: $i) { installation { id } } }`, { i: { pluginId, grantScopes: scopes } });
  expect(res.errors).toBeUndefined();
  return localId('PluginInstallation', res.data.installPlugin.installation.id);
};

beforeAll(async () => {
  t = await startPluginTestServer('widget-co');
  for (const name of ['widget-board', 'widget-faulty']) expect((await t.publish(name)).errors).toBeUndefined();
  installations[BOARD] = await install(BOARD, ['customers:read', 'orders:read', 'cases:write', 'storage']);
  installations[FAULTY] = await install(FAULTY, []);
  const data = await t.platform.tenants.get(t.tenantId);
  tenant = { tenantId: t.tenantId, tenantSlug: 'widget-co', role: 'admin', actor: 'test', data };
  ada = await seedCustomer(tenant, 'Ada Lovelace');
  bob = await seedCustomer(tenant, 'Bob Other');
  adaOrder = await seedOrder(tenant, ada);
  bobOrder = await seedOrder(tenant, bob);
  adaCase = await createCase(tenant, { customerId: ada.id, subject: 'Late parcel' });
  adaViewer = { kind: 'customer', actor: 'portal:ada', customerId: ada.id };
}, 180_000);

afterAll(async () => {
  await t?.close();
});

const render = (point: string, target: Parameters<PluginTestServer['platform']['plugins']['renderExtensionPoint']>[2], viewer: Caller = agent, budgetMs?: number) =>
  t.platform.plugins.renderExtensionPoint(tenant, point, target, { viewer, budgetMs });
const byWidget = (results: WidgetResult[]) => Object.fromEntries(results.map((r) => [r.widgetId, r]));
const textOf = (result: WidgetResult | undefined): string => JSON.stringify(result?.state === 'ok' ? result.tree : result);

describe('renderExtensionPoint', () => {
  it('renders every widget at the point in a stable order, each failure as its own error entry', async () => {
    const results = await render('console.order.sidebar', { order: adaOrder }, agent, 5_000);
    // Installations as installed, then each plugin's widgets as declared.
    expect(results.map((r) => `${r.pluginId}/${r.widgetId}`)).toEqual([
      `${BOARD}/summary`, `${BOARD}/nothing`, `${FAULTY}/broken`, `${FAULTY}/invalid`, `${FAULTY}/stray`, `${FAULTY}/deep`,
    ]);
    const w = byWidget(results);
    expect(w.summary).toMatchObject({ state: 'ok', pluginId: BOARD, installationId: installations[BOARD], title: 'Order summary' });
    expect(textOf(w.summary)).toContain(`${adaOrder.number}: pressed`);
    expect(w.nothing).toMatchObject({ state: 'empty', title: 'Nothing to show' });
    // A throwing widget: the plugin's text stays in its logs, the viewer gets a stable code.
    expect(w.broken).toMatchObject({ state: 'error', code: 'PLUGIN_FAILED' });
    expect(JSON.stringify(w.broken)).not.toContain('carrier offline');
    // Invalid trees are refused: an unknown component, a button for an undeclared action, too deep.
    for (const id of ['invalid', 'stray', 'deep']) expect(w[id]).toMatchObject({ state: 'error', code: 'WIDGET_INVALID' });
    expect(JSON.stringify(results)).not.toContain('evil.example');
    await t.platform.plugins.runtime.metering.flush();
  });

  it('renders the widgets of a page at the same time', async () => {
    // ping and pong each wait (through host calls) for the other to start: drawn one after
    // the other, the first would finish alone.
    const results = await render('console.customer.sidebar', { customer: ada });
    expect(results.map((r) => textOf(r))).toEqual([expect.stringContaining('ping: met pong'), expect.stringContaining('pong: met ping')]);
  });

  it('a slow widget times out alone, and the page answers within its budget', async () => {
    const budgetMs = 700;
    const started = performance.now();
    const results = await render('console.case.sidebar', { case: adaCase }, agent, budgetMs);
    const elapsed = performance.now() - started;
    const w = byWidget(results);
    expect(w['case-note']).toMatchObject({ state: 'ok', tree: { type: 'text', text: 'case Late parcel' } });
    expect(w.spin).toMatchObject({ state: 'error', code: 'PLUGIN_TIMEOUT', pluginId: FAULTY });
    expect(elapsed).toBeGreaterThanOrEqual(budgetMs - 50);
    expect(elapsed).toBeLessThan(budgetMs + 250);
  });

  it('refuses a target of the wrong kind, an unknown point, and a point that is not the viewer\'s', async () => {
    await expect(render('console.order.sidebar', { customer: ada })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(render('console.nowhere', { customer: ada })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(render('console.order.sidebar', { order: adaOrder }, adaViewer)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(render('portal.order.detail', { order: adaOrder }, agent)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('a portal customer as viewer', () => {
  beforeAll(async () => {
    // The plugin has somehow learnt Bob's id (an earlier staff page, a guess): it tries it for Ada.
    await tenant.data.db.insert(pluginStorage).values({ pluginId: BOARD, key: 'peek-id', value: JSON.stringify(toGlobalId('Customer', bob.id)), updatedAt: new Date() });
  });

  it('cannot read another customer through the plugin: it answers as if Bob did not exist', async () => {
    const [peek] = await render('portal.order.detail', { order: adaOrder }, adaViewer);
    expect(peek).toMatchObject({ state: 'ok', widgetId: 'peek' });
    const text = textOf(peek);
    expect(text).toContain('"label":"listed","value":"Ada Lovelace"');
    expect(text).toContain('"label":"other","value":"none"');
    expect(text).toContain('"label":"other orders","value":0');
    expect(text).not.toContain('Bob');
  });

  it('the same widget for staff (console rights) does see Bob, so the limit is the viewer\'s', async () => {
    // A portal widget is not drawn for staff, so the sandbox entry is called directly here.
    const installation = await findInstallationById(t.platform.control.db, t.tenantId, installations[BOARD]!);
    const target = { order: { orderNumber: adaOrder.number, customer: { id: toGlobalId('Customer', ada.id) } } };
    const tree = await t.platform.plugins.runtime.invoke(tenant, installation!, { entry: { kind: 'widget', id: 'peek' }, target }, agent);
    expect(JSON.stringify(tree)).toContain('"label":"other","value":"Bob Other"');
  });

  it('cannot render or press for another customer\'s record: NOT_FOUND', async () => {
    await expect(render('portal.order.detail', { order: bobOrder }, adaViewer)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(t.platform.plugins.runWidgetAction(tenant, adaViewer, {
      installationId: installations[BOARD]!, widgetId: 'peek', action: 'note', input: { customerId: toGlobalId('Customer', bob.id) }, target: { order: bobOrder },
    })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a press writes for their own records only: a forged input naming Bob writes nothing', async () => {
    const bobCases = () => tenant.data.db.select().from(cases).where(eq(cases.customerId, bob.id));
    const before = (await bobCases()).length;
    // Pressed again and again: each answers NOT_FOUND, as Ada's doing, so the plugin is never paused.
    for (let i = 0; i < 7; i++) {
      await expect(t.platform.plugins.runWidgetAction(tenant, adaViewer, {
        installationId: installations[BOARD]!, widgetId: 'peek', action: 'note', input: { customerId: toGlobalId('Customer', bob.id) }, target: { order: adaOrder },
      })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
    expect((await bobCases()).length).toBe(before);
    const own = await t.platform.plugins.runWidgetAction(tenant, adaViewer, {
      installationId: installations[BOARD]!, widgetId: 'peek', action: 'note', input: { customerId: toGlobalId('Customer', ada.id) }, target: { order: adaOrder },
    });
    expect(own.message).toMatch(/^Case .+ opened$/);
    expect(own.widget).toMatchObject({ state: 'ok', widgetId: 'peek' });
    const adaCases = await tenant.data.db.select().from(cases).where(and(eq(cases.customerId, ada.id), eq(cases.subject, 'Raised from a widget')));
    expect(adaCases).toHaveLength(1);
  });
});

describe('runWidgetAction', () => {
  const press = (overrides: Partial<Parameters<PluginTestServer['platform']['plugins']['runWidgetAction']>[2]> = {}, viewer: Caller = agent) =>
    t.platform.plugins.runWidgetAction(tenant, viewer, {
      installationId: installations[BOARD]!, widgetId: 'summary', action: 'press', input: { from: 'summary' }, target: { order: adaOrder }, ...overrides,
    });

  it('runs the action in the sandbox and answers its message with the widget drawn again', async () => {
    const first = await press();
    expect(first.message).toMatch(/^Pressed (\d+) times$/);
    const n = Number(/(\d+)/.exec(first.message!)![1]);
    expect(textOf(first.widget)).toContain(`pressed ${n}`);
    const second = await press();
    expect(second.message).toBe(`Pressed ${n + 1} times`);
    expect(first.widget).toMatchObject({ state: 'ok', widgetId: 'summary', installationId: installations[BOARD] });
    expect(textOf(second.widget)).toContain(`pressed ${n + 1}`);
  });

  it('runs only an action a button of that widget shows: anything else is NOT_FOUND', async () => {
    // 'press' is a real action of the plugin, but the case note widget shows no button for it.
    await expect(press({ widgetId: 'case-note', target: { case: adaCase } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(press({ action: 'missing' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(press({ widgetId: 'no-such-widget' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(press({ installationId: 'no-such-installation' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // A portal viewer cannot reach a console widget.
    await expect(press({}, adaViewer)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('checks the input before anything runs', async () => {
    await expect(press({ input: { big: 'x'.repeat(9_000) } })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    await expect(press({ input: deep })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(press({ action: 'drop table' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('writes with the presser\'s rights: an agent opens a case (audited for them), a read-only key is FORBIDDEN', async () => {
    const note = { action: 'note', input: { customerId: toGlobalId('Customer', ada.id) } };
    const count = async () => (await tenant.data.db.select().from(cases)).length;
    const before = await count();
    await expect(press(note, integrator)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await count()).toBe(before);
    const done = await press(note, agent);
    expect(done.message).toMatch(/^Case .+ opened$/);
    expect(await count()).toBe(before + 1);
    const [audit] = await t.platform.control.db.select().from(auditLog)
      .where(and(eq(auditLog.tenantId, t.tenantId), eq(auditLog.action, 'plugin.cases.create'))).orderBy(desc(auditLog.at)).limit(1);
    expect(audit?.detail).toMatchObject({ entry: 'mutation', onBehalfOf: 'key-agent', callerRole: 'agent', installationId: installations[BOARD] });
  });

  it('an installation id of another tenant answers NOT_FOUND, like a missing one', async () => {
    const other = await createTenant(t.platform.control.db, t.platform.tenants, { slug: 'other-co' });
    const otherTenant: TenantContext = { tenantId: other.tenant.id, tenantSlug: 'other-co', role: 'admin', actor: 'test', data: await t.platform.tenants.get(other.tenant.id) };
    const theirs = await seedCustomer(otherTenant, 'Eve Else');
    const theirOrder = await seedOrder(otherTenant, theirs);
    await expect(t.platform.plugins.runWidgetAction(otherTenant, agent, {
      installationId: installations[BOARD]!, widgetId: 'summary', action: 'press', input: { from: 'summary' }, target: { order: theirOrder },
    })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'widget not found' });
    // Nor does the other tenant's page show this tenant's widgets.
    expect(await t.platform.plugins.renderExtensionPoint(otherTenant, 'console.order.sidebar', { order: theirOrder }, { viewer: agent })).toEqual([]);
  });
});
