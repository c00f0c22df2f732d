import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../domain/customers.js';
import { createOrder } from '../domain/orders.js';
import { tenantContext } from '../tenancy/context.js';
import { startPluginTestServer, type PluginTestServer } from './testing/plugin-test-server.js';

// Declared inputs end to end over HTTP: what the plugin receives, scopes and other plugins'
// fields checked at install, the dependency kept at uninstall.
describe('declared inputs', () => {
  let t: PluginTestServer;
  const install = (pluginId: string, grantScopes: string[], version = '^1') =>
    t.admin(`mutation($i: InstallPluginInput!) { installPlugin(input: $i) { installation { pluginId } } }`, {
      i: { pluginId, version, grantScopes, grantEgress: [], config: {}, secrets: [] },
    });
  const uninstall = (pluginId: string) => t.admin(`mutation($p: String!) { uninstallPlugin(pluginId: $p) { installation { pluginId } } }`, { p: pluginId });
  const installed = async () => (await t.admin(`{ pluginInstallations { pluginId } }`)).data.pluginInstallations.map((i: { pluginId: string }) => i.pluginId);

  beforeAll(async () => {
    t = await startPluginTestServer('declared-inputs');
    const ctx = tenantContext((await t.platform.keys.verify(t.adminKey))!, await t.platform.tenants.get(t.tenantId));
    const ada = await createCustomer(ctx, { name: 'Ada' });
    const alan = await createCustomer(ctx, { name: 'Alan' });
    await createOrder(ctx, { customerId: ada.id, number: 'ORD-1', currency: 'EUR', placedAt: '2026-01-01T00:00:00Z', lines: [{ sku: 'A', name: 'A', quantity: 1, unitPriceCents: 100 }] });
    await createOrder(ctx, { customerId: alan.id, number: 'ORD-2', currency: 'EUR', placedAt: '2026-01-02T00:00:00Z', lines: [{ sku: 'B', name: 'B', quantity: 2, unitPriceCents: 250 }] });
    for (const name of ['input-reader', 'order-badge']) expect((await t.publish(name)).errors).toBeUndefined();
    // 2.0.0 as if made without the SDK's build, which refuses it: the buyer input needs
    // customers:read, which this manifest does not request, so no admin can grant it.
    const withoutCustomers = (m: Record<string, unknown>) => ({ ...m, scopes: ['orders:read'] });
    expect((await t.publish('input-reader', '2.0.0', 'version', withoutCustomers)).errors).toBeUndefined();
  }, 180_000);

  afterAll(() => t?.close());

  it('refuses at install an input that selects a plugin\'s field while that plugin is not installed', async () => {
    const res = await install('acme.input-reader', ['orders:read', 'customers:read']);
    expect(res.errors?.[0]?.extensions?.code).toBe('PLUGIN_INPUT_INVALID');
    expect(res.errors?.[0]?.message).toContain('Cannot query field "acme_orderBadge_label" on type "Order"');
    expect(await installed()).toEqual([]);
  });

  it('refuses at install an input that reads data a scope covers which the installation is not granted', async () => {
    expect((await install('acme.order-badge', [])).errors).toBeUndefined();
    const res = await install('acme.input-reader', ['orders:read'], '2.0.0');
    expect(res.errors?.[0]?.extensions?.code).toBe('PLUGIN_INPUT_INVALID');
    expect(res.errors?.[0]?.message).toContain("inputs.Order.acme_inputReader_buyer: the selection reads data the 'customers:read' scope covers, which the plugin was not granted");
    expect(await installed()).toEqual(['acme.order-badge']);
  });

  it('sends each field exactly the fields its input declares, another plugin\'s included', async () => {
    expect((await install('acme.input-reader', ['orders:read', 'customers:read'])).errors).toBeUndefined();
    const res = await t.admin(`{ orders(first: 10) { edges { node { orderNumber acme_inputReader_number acme_inputReader_buyer acme_inputReader_badge } } } }`);
    expect(res.errors).toBeUndefined();
    const byNumber = Object.fromEntries(res.data.orders.edges.map((e: { node: Record<string, string> }) => [e.node.orderNumber, e.node]));
    expect(JSON.parse(byNumber['ORD-1'].acme_inputReader_number)).toStrictEqual({ orderNumber: 'ORD-1' });
    expect(JSON.parse(byNumber['ORD-2'].acme_inputReader_buyer)).toStrictEqual({ orderNumber: 'ORD-2', customer: { name: 'Alan' } });
    expect(JSON.parse(byNumber['ORD-1'].acme_inputReader_badge)).toStrictEqual({ orderNumber: 'ORD-1', acme_orderBadge_label: 'ORD-1 (PENDING)' });
  });

  it('keeps a plugin whose fields another plugin\'s input selects from being uninstalled under it', async () => {
    const res = await uninstall('acme.order-badge');
    expect(res.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(res.errors?.[0]?.message).toContain('acme.input-reader@1.0.0');
    expect(await installed()).toEqual(['acme.order-badge', 'acme.input-reader']);
    expect((await uninstall('acme.input-reader')).errors).toBeUndefined();
    expect((await uninstall('acme.order-badge')).errors).toBeUndefined();
  });
});
