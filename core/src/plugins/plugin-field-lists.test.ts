import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCustomer } from '../domain/customers.js';
import { createOrder } from '../domain/orders.js';
import { tenantContext } from '../tenancy/context.js';
import { startPluginTestServer, type PluginTestServer } from './testing/plugin-test-server.js';

// A plugin field on the items of lists, over HTTP: the items' parents go to the sandbox ahead of
// the items (graphql/lists-ahead.ts), every page of one request level in one crossing.
describe('a plugin field on the items of lists', () => {
  let t: PluginTestServer;
  let crossings: { parents: number }[];

  beforeAll(async () => {
    t = await startPluginTestServer('plugin-field-lists');
    const ctx = tenantContext((await t.platform.keys.verify(t.adminKey))!, await t.platform.tenants.get(t.tenantId));
    for (const [c, name] of ['Ada', 'Alan', 'Grace'].entries()) {
      const customer = await createCustomer(ctx, { name });
      for (let i = 1; i <= 2 + c; i++) {
        await createOrder(ctx, {
          customerId: customer.id, number: `ORD-${name}-${i}`, currency: 'EUR', placedAt: `2026-01-0${i}T00:00:00Z`,
          lines: [{ sku: 'A', name: 'A', quantity: 1, unitPriceCents: 100 }],
        });
      }
    }
    expect((await t.publish('order-badge')).errors).toBeUndefined();
    const installed = await t.admin(`mutation($i: InstallPluginInput!) { installPlugin(input: $i) { installation { pluginId } } }`, {
      i: { pluginId: 'acme.order-badge', version: '^1', grantScopes: [], grantEgress: [], config: {}, secrets: [] },
    });
    expect(installed.errors).toBeUndefined();
    const invoke = t.platform.plugins.runtime.invokeMetered.bind(t.platform.plugins.runtime);
    vi.spyOn(t.platform.plugins.runtime, 'invokeMetered').mockImplementation((tenant, installation, part, ...rest) => {
      crossings.push({ parents: (part as { parents?: unknown[] }).parents?.length ?? 0 });
      return invoke(tenant, installation, part, ...rest);
    });
  }, 180_000);

  afterAll(() => t?.close());

  it('labels every customer\'s orders of a page in one crossing', async () => {
    crossings = [];
    const res = await t.admin(`{ customers(first: 10, orderBy: NAME_ASC) { edges { node { name
      orders(first: 10) { edges { node { orderNumber orderStatus acme_orderBadge_label again: acme_orderBadge_label lines { sku quantity } } } } } } } }`);
    expect(res.errors).toBeUndefined();
    const nodes = res.data.customers.edges.flatMap((c: { node: { orders: { edges: { node: Record<string, unknown> }[] } } }) => c.node.orders.edges.map((e) => e.node));
    expect(nodes).toHaveLength(9);
    for (const order of nodes) {
      expect(order.acme_orderBadge_label).toBe(`${String(order.orderNumber)} (${String(order.orderStatus)})`);
      expect(order.again).toBe(order.acme_orderBadge_label);
      // Core's own field sent ahead beside the plugin's: the lines of every order of the page.
      expect(order.lines).toEqual([{ sku: 'A', quantity: 1 }]);
    }
    expect(crossings).toEqual([{ parents: 9 }]);
  });

  it('crosses not at all when the field is left out, and once for a single order', async () => {
    crossings = [];
    const listed = await t.admin(`query($with: Boolean!) { orders(first: 5) { edges { node { id acme_orderBadge_label @include(if: $with) } } } }`, { with: false });
    expect(listed.errors).toBeUndefined();
    expect(crossings).toEqual([]);
    const id = listed.data.orders.edges[0].node.id;
    const single = await t.admin(`query($id: ID!) { order(id: $id) { orderNumber acme_orderBadge_label } }`, { id });
    expect(single.errors).toBeUndefined();
    expect(single.data.order.acme_orderBadge_label).toMatch(/^ORD-/);
    expect(crossings).toEqual([{ parents: 1 }]);
  });
});
