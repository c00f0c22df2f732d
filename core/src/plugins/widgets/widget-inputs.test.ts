/**
 * Widgets' declared inputs with real parts: the fixture built by the SDK, published and
 * installed through the admin API, its inputs resolved by core's resolvers for the page's
 * record and rendered in the supervised sandbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostFunction, Invocation, InvocationResult } from '@mosaic/sandbox';
import type { Customer } from '../../domain/customers.js';
import type { Order } from '../../domain/orders.js';
import type { TenantContext } from '../../tenancy/context.js';
import { seedCustomer, seedOrder } from '../host/test-fixtures.js';
import type { Caller } from '../host/index.js';
import { startPluginTestServer, type PluginTestServer } from '../testing/plugin-test-server.js';
import type { WidgetResult } from './index.js';

const PLUGIN = 'acme.widget-inputs';
const agent: Caller = { actor: 'key-agent', role: 'agent' };

let t: PluginTestServer;
let tenant: TenantContext;
let ada: Customer;
let order: Order;
const hostCalls: number[] = [];

const install = (version: string, grantScopes: string[]) =>
  t.admin(`mutation($i: InstallPluginInput!) { installPlugin(input: $i) { installation { id } } }`, { i: { pluginId: PLUGIN, version, grantScopes } });
const render = async (point: string, target: Parameters<PluginTestServer['platform']['plugins']['renderExtensionPoint']>[2]) => {
  hostCalls.length = 0;
  const results = await t.platform.plugins.renderExtensionPoint(tenant, point, target, { viewer: agent, budgetMs: 5_000 });
  return Object.fromEntries(results.map((r) => [r.widgetId, r])) as Record<string, WidgetResult>;
};
const shown = (result: WidgetResult | undefined): unknown =>
  (result?.state === 'ok' && result.tree.type === 'text' ? JSON.parse(result.tree.text) : result);

beforeAll(async () => {
  t = await startPluginTestServer('widget-inputs');
  expect((await t.publish('widget-inputs', '1.0.0')).errors).toBeUndefined();
  // 2.0.0 as if made without the SDK's build, which refuses it: its inputs read orders, which it does not request.
  expect((await t.publish('widget-inputs', '2.0.0', 'version', (m) => ({ ...m, scopes: ['customers:read'] }))).errors).toBeUndefined();
  const data = await t.platform.tenants.get(t.tenantId);
  tenant = { tenantId: t.tenantId, tenantSlug: 'widget-inputs', role: 'agent', actor: 'test', data };
  ada = await seedCustomer(tenant, 'Ada Lovelace');
  order = await seedOrder(tenant, ada);
  // How many host calls each widget render made, seen on the real sandbox.
  const sandbox = t.platform.plugins.sandbox;
  const invoke = sandbox.invoke.bind(sandbox);
  sandbox.invoke = async <T>(invocation: Invocation, host: HostFunction): Promise<InvocationResult<T>> => {
    const result = await invoke<T>(invocation, host);
    if (invocation.entry.kind === 'widget') hostCalls.push(result.metrics.hostCalls);
    return result;
  };
}, 180_000);

afterAll(() => t?.close());

describe('widget inputs', () => {
  it('refuses at install an input that reads what the installation is not granted', async () => {
    const res = await install('2.0.0', ['customers:read']);
    expect(res.errors?.[0]?.extensions?.code).toBe('PLUGIN_INPUT_INVALID');
    expect(res.errors?.[0]?.message).toContain(`inputs.Customer.widget:${PLUGIN}/summary: the selection reads data the 'orders:read' scope covers, which the plugin was not granted`);
  });

  it('hands each widget what its input selects of the page\'s record, without a host call', async () => {
    expect((await install('1.0.0', ['customers:read', 'orders:read'])).errors).toBeUndefined();
    const w = await render('console.customer.sidebar', { customer: ada });
    expect(shown(w.summary)).toStrictEqual({ name: 'Ada Lovelace', orders: { edges: [{ node: { orderNumber: order.number } }] } });
    expect(hostCalls.every((n) => n === 0)).toBe(true);
    const o = await render('console.order.sidebar', { order });
    expect(shown(o.order)).toStrictEqual({ orderNumber: order.number, customer: { name: 'Ada Lovelace' } });
  });

  it('an input core refuses fails its widget alone, with the resolver\'s code', async () => {
    const w = await render('console.customer.sidebar', { customer: ada });
    expect(w['too-many']).toMatchObject({ state: 'error', code: 'BAD_USER_INPUT' });
    expect(w.summary?.state).toBe('ok');
    // The plugin never ran for it.
    expect(hostCalls).toHaveLength(1);
  });
});
