import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostFunction, Invocation, InvocationResult } from '@mosaic/sandbox';
import { createCustomer } from '../domain/customers.js';
import { createOrder } from '../domain/orders.js';
import { tenantContext } from '../tenancy/context.js';
import { createTenant } from '../tenancy/tenants.js';
import { graphqlClient, type Gql } from './testing/graphql-client.js';
import { startPluginTestServer, type PluginTestServer } from './testing/plugin-test-server.js';

// Kept results end to end over HTTP: a field that declares resultCache is answered again without
// a sandbox call while its installation, arguments, declared inputs and storage inputs are the
// same and its max age (1 s here) has not passed; calls that made a host call or failed a parent
// are not kept, and tenants never share one.
describe('kept plugin results', () => {
  let t: PluginTestServer;
  let other: Gql;
  const orderIds: string[] = [];
  let sandboxCalls = 0;

  const install = (gql: Gql) =>
    gql(`mutation($i: InstallPluginInput!) { installPlugin(input: $i) { installation { pluginId } } }`, {
      i: { pluginId: 'acme.result-keeper', version: '^1', grantScopes: ['orders:read', 'storage'], grantEgress: [], config: {}, secrets: [] },
    });
  const labels = async (gql: Gql = t.admin, args = '') => {
    const before = sandboxCalls;
    const res = await gql(`{ orders(first: 10) { edges { node { orderNumber acme_resultKeeper_label${args} } } } }`);
    expect(res.errors).toBeUndefined();
    const byNumber = Object.fromEntries((res.data.orders.edges as Array<{ node: { orderNumber: string; acme_resultKeeper_label: string } }>)
      .map((e) => [e.node.orderNumber, e.node.acme_resultKeeper_label]));
    return { byNumber, calls: sandboxCalls - before };
  };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeAll(async () => {
    t = await startPluginTestServer('result-cache');
    const seed = async (tenantId: string, key: string, numbers: string[]) => {
      const ctx = tenantContext((await t.platform.keys.verify(key))!, await t.platform.tenants.get(tenantId));
      const ada = await createCustomer(ctx, { name: 'Ada' });
      for (const number of numbers) {
        await createOrder(ctx, { customerId: ada.id, number, currency: 'EUR', placedAt: '2026-01-01T00:00:00Z', lines: [{ sku: 'A', name: 'A', quantity: 1, unitPriceCents: 100 }] });
      }
    };
    await seed(t.tenantId, t.adminKey, ['ORD-1', 'ORD-2']);
    const listed = await t.admin(`{ orders(first: 10) { edges { node { id orderNumber } } } }`);
    const nodes = (listed.data.orders.edges as Array<{ node: { id: string; orderNumber: string } }>).map((e) => e.node);
    orderIds.push(...nodes.sort((a, b) => a.orderNumber.localeCompare(b.orderNumber)).map((n) => n.id));
    const second = await createTenant(t.platform.control.db, t.platform.tenants, { slug: 'result-cache-b' });
    await seed(second.tenant.id, second.apiKey, ['ORD-1', 'ORD-2']);
    other = graphqlClient(t.server.url, second.apiKey);
    expect((await t.publish('result-keeper', '1.0.0')).errors).toBeUndefined();
    const sandbox = t.platform.plugins!.sandbox;
    const invoke = sandbox.invoke.bind(sandbox);
    sandbox.invoke = async <T>(invocation: Invocation, host: HostFunction): Promise<InvocationResult<T>> => {
      if (invocation.entry.kind === 'resolver' && invocation.entry.type === 'Order') sandboxCalls += 1;
      return invoke<T>(invocation, host);
    };
    expect((await install(t.admin)).errors).toBeUndefined();
    expect((await install(other)).errors).toBeUndefined();
  }, 180_000);

  afterAll(() => t?.close());

  it('answers the same query again without a sandbox call, with the same answer', async () => {
    const first = await labels();
    expect(first.calls).toBe(1);
    expect(first.byNumber['ORD-1']).toMatch(/^ORD-1 PENDING none #\d+$/);
    const again = await labels();
    expect(again).toEqual({ byNumber: first.byNumber, calls: 0 });
  });

  it('calls again once the max age has passed', async () => {
    const first = await labels();
    await sleep(1_100);
    const later = await labels();
    expect(later.calls).toBe(1);
    expect(later.byNumber['ORD-1']).not.toBe(first.byNumber['ORD-1']);
  });

  it('calls again when a storage input changed, whoever wrote it', async () => {
    await labels();
    expect((await t.admin(`mutation { acme_resultKeeper_setLabel(key: "label:ORD-1", text: "fragile") }`)).errors).toBeUndefined();
    const written = await labels();
    expect(written.calls).toBe(1);
    expect(written.byNumber['ORD-1']).toMatch(/^ORD-1 PENDING fragile #/);
    // Behind the host's back, as another server process on the same database would.
    const tenant = await t.platform.tenants.get(t.tenantId);
    await tenant.client.execute({ sql: "update plugin_storage set value = '\"gift\"' where plugin_id = 'acme.result-keeper' and key = ?", args: ['label:ORD-1'] });
    const rewritten = await labels();
    expect(rewritten.calls).toBe(1);
    expect(rewritten.byNumber['ORD-1']).toMatch(/^ORD-1 PENDING gift #/);
  });

  it('calls again when a parent\'s declared input changed', async () => {
    await labels();
    const changed = await t.admin(`mutation($i: UpdateOrderStatusInput!) { updateOrderStatus(input: $i) { order { orderStatus } } }`, {
      i: { id: orderIds[1], status: 'PAID' },
    });
    expect(changed.errors).toBeUndefined();
    const after = await labels();
    expect(after.calls).toBe(1);
    expect(after.byNumber['ORD-2']).toMatch(/^ORD-2 PAID none #/);
  });

  it('keeps results per arguments, and never one of a call that made a host call or failed a parent', async () => {
    await labels(t.admin, '(log: false)');
    expect((await labels(t.admin, '(log: false)')).calls).toBe(0);
    expect((await labels(t.admin, '(log: true)')).calls).toBe(1);
    expect((await labels(t.admin, '(log: true)')).calls).toBe(1);
    const failing = '(fail: true)';
    const res = await t.admin(`{ orders(first: 10) { edges { node { orderNumber acme_resultKeeper_label${failing} } } } }`);
    expect(res.errors?.[0]?.extensions?.code).toBe('PLUGIN_FAILED');
    const before = sandboxCalls;
    await t.admin(`{ orders(first: 10) { edges { node { orderNumber acme_resultKeeper_label${failing} } } } }`);
    expect(sandboxCalls - before).toBe(1);
  });

  it('never answers one tenant with a result kept for another, though their inputs and storage are alike', async () => {
    const mine = await labels();
    const theirs = await labels(other);
    expect(theirs.calls).toBe(1);
    expect(theirs.byNumber['ORD-1']).toMatch(/^ORD-1 PENDING none #/);
    expect(theirs.byNumber['ORD-1']).not.toBe(mine.byNumber['ORD-1']);
  });
});

describe('kept plugin results switched off (MOSAIC_PLUGIN_RESULT_CACHE_MB=0)', () => {
  let t: PluginTestServer;
  afterAll(() => t?.close());

  it('calls the sandbox for every query', async () => {
    t = await startPluginTestServer('result-cache-off', { MOSAIC_PLUGIN_RESULT_CACHE_MB: '0' });
    const ctx = tenantContext((await t.platform.keys.verify(t.adminKey))!, await t.platform.tenants.get(t.tenantId));
    const ada = await createCustomer(ctx, { name: 'Ada' });
    await createOrder(ctx, { customerId: ada.id, number: 'ORD-1', currency: 'EUR', placedAt: '2026-01-01T00:00:00Z', lines: [{ sku: 'A', name: 'A', quantity: 1, unitPriceCents: 100 }] });
    expect((await t.publish('result-keeper', '1.0.0')).errors).toBeUndefined();
    const installed = await t.admin(`mutation($i: InstallPluginInput!) { installPlugin(input: $i) { installation { pluginId } } }`, {
      i: { pluginId: 'acme.result-keeper', version: '^1', grantScopes: ['orders:read', 'storage'], grantEgress: [], config: {}, secrets: [] },
    });
    expect(installed.errors).toBeUndefined();
    const label = async () => (await t.admin(`{ orders(first: 1) { edges { node { acme_resultKeeper_label } } } }`)).data.orders.edges[0].node.acme_resultKeeper_label as string;
    const first = await label();
    expect(first).toMatch(/#\d+$/);
    expect(await label()).not.toBe(first);
  }, 180_000);
});
