import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostFunction, Invocation, InvocationResult } from '@mosaic/sandbox';
import { createCustomer } from '../domain/customers.js';
import { createOrder } from '../domain/orders.js';
import { tenantContext } from '../tenancy/context.js';
import { startPluginTestServer, type PluginTestServer } from './testing/plugin-test-server.js';

// Storage inputs end to end over HTTP: the host reads the declared keys of the plugin's own
// storage with the declared input and sends them with the call, so the plugin's reads of them
// cost no host call; without the storage scope nothing is read for it.
describe('storage inputs', () => {
  let t: PluginTestServer;
  const orderIds: string[] = [];
  const calls: Array<{ storageJson: string | undefined; hostCalls: number }> = [];

  const install = (grantScopes: string[], version = '^1') =>
    t.admin(`mutation($i: InstallPluginInput!) { installPlugin(input: $i) { installation { pluginId } } }`, {
      i: { pluginId: 'acme.storage-reader', version, grantScopes, grantEgress: [], config: {}, secrets: [] },
    });
  const setNote = (key: string, text: string, json = false, padding = 0) =>
    t.admin(`mutation($k: String!, $t: String!, $j: Boolean, $p: Int) { acme_storageReader_setNote(key: $k, text: $t, json: $j, padding: $p) }`, { k: key, t: text, j: json, p: padding });
  const notes = async () => {
    calls.length = 0;
    const res = await t.admin(`{ orders(first: 10) { edges { node { orderNumber acme_storageReader_note } } } }`);
    return { res, notes: Object.fromEntries((res.data?.orders.edges ?? []).map((e: { node: { orderNumber: string; acme_storageReader_note: string | null } }) => [e.node.orderNumber, e.node.acme_storageReader_note])) };
  };

  beforeAll(async () => {
    t = await startPluginTestServer('storage-inputs');
    const ctx = tenantContext((await t.platform.keys.verify(t.adminKey))!, await t.platform.tenants.get(t.tenantId));
    const ada = await createCustomer(ctx, { name: 'Ada' });
    for (const number of ['ORD-1', 'ORD-2', 'ORD-3']) {
      await createOrder(ctx, { customerId: ada.id, number, currency: 'EUR', placedAt: '2026-01-01T00:00:00Z', lines: [{ sku: 'A', name: 'A', quantity: 1, unitPriceCents: 100 }] });
    }
    // The ids as the API (and so the declared input) has them, in order number order.
    const listed = await t.admin(`{ orders(first: 10) { edges { node { id orderNumber } } } }`);
    const nodes = (listed.data.orders.edges as Array<{ node: { id: string; orderNumber: string } }>).map((e) => e.node);
    orderIds.push(...nodes.sort((a, b) => a.orderNumber.localeCompare(b.orderNumber)).map((n) => n.id));
    expect((await t.publish('storage-reader', '1.0.0')).errors).toBeUndefined();
    // 2.0.0 as if made without the SDK's build, which refuses it: storage inputs without the storage scope.
    expect((await t.publish('storage-reader', '2.0.0', 'version', (m) => ({ ...m, scopes: ['orders:read'] }))).errors).toBeUndefined();
    // What each resolver call was sent and how many host calls it made, seen on the real sandbox.
    const sandbox = t.platform.plugins!.sandbox;
    const invoke = sandbox.invoke.bind(sandbox);
    sandbox.invoke = async <T>(invocation: Invocation, host: HostFunction): Promise<InvocationResult<T>> => {
      const result = await invoke<T>(invocation, host);
      if (invocation.entry.kind === 'resolver' && invocation.entry.type === 'Order') calls.push({ storageJson: invocation.storageJson, hostCalls: result.metrics.hostCalls });
      return result;
    };
  }, 180_000);

  afterAll(() => t?.close());

  it('sends the declared keys with the call, so reading them costs no host call', async () => {
    expect((await install(['orders:read', 'storage'])).errors).toBeUndefined();
    expect((await setNote(`note:${orderIds[0]}`, 'fragile')).errors).toBeUndefined();
    expect((await setNote('notes:default', 'none')).errors).toBeUndefined();
    const { res, notes: byNumber } = await notes();
    expect(res.errors).toBeUndefined();
    expect(byNumber).toEqual({ 'ORD-1': 'fragile', 'ORD-2': 'none', 'ORD-3': 'none' });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.hostCalls).toBe(0);
    const sent = JSON.parse(calls[0]!.storageJson!) as { keys: string[]; values: unknown[] };
    // The followed keys are read as well; they hold nothing yet, so they name no further key.
    expect(new Set(sent.keys)).toEqual(new Set([...orderIds.map((id) => `note:${id}`), 'notes:default', ...orderIds.map((id) => `tags:${id}`)]));
    expect(sent.values[sent.keys.indexOf(`note:${orderIds[1]}`)]).toBeNull();
  });

  it('answers what storage holds now, after the plugin wrote it', async () => {
    expect((await setNote(`note:${orderIds[2]}`, 'gift')).errors).toBeUndefined();
    expect((await notes()).notes).toEqual({ 'ORD-1': 'fragile', 'ORD-2': 'none', 'ORD-3': 'gift' });
  });

  it('follows an index to the keys it names, within the call', async () => {
    expect((await setNote(`tags:${orderIds[0]}`, '["red","blue"]', true)).errors).toBeUndefined();
    expect((await setNote(`tags:${orderIds[1]}`, '["blue"]', true)).errors).toBeUndefined();
    expect((await setNote('tag:red', 'Red')).errors).toBeUndefined();
    expect((await setNote('tag:blue', 'Blue')).errors).toBeUndefined();
    const { notes: byNumber } = await notes();
    expect(byNumber).toEqual({ 'ORD-1': 'fragile [Red, Blue]', 'ORD-2': 'none [Blue]', 'ORD-3': 'gift' });
    expect(calls[0]!.hostCalls).toBe(0);
    const sent = JSON.parse(calls[0]!.storageJson!) as { keys: string[]; values: unknown[] };
    expect(new Set(sent.keys.filter((k) => k.startsWith('tag:')))).toEqual(new Set(['tag:red', 'tag:blue']));
    expect(sent.values[sent.keys.indexOf('tag:blue')]).toBe('Blue');
  });

  it('does not follow a value over 4 KiB: the plugin reads those keys itself', async () => {
    expect((await setNote(`tags:${orderIds[1]}`, '["red"]', true, 4_100)).errors).toBeUndefined();
    expect((await setNote(`tags:${orderIds[0]}`, '["blue"]', true)).errors).toBeUndefined();
    const { notes: byNumber } = await notes();
    expect(byNumber).toEqual({ 'ORD-1': 'fragile [Blue]', 'ORD-2': 'none [Red]', 'ORD-3': 'gift' });
    const sent = JSON.parse(calls[0]!.storageJson!) as { keys: string[] };
    expect(sent.keys.filter((k) => k.startsWith('tag:'))).toEqual(['tag:blue']);
    expect(calls[0]!.hostCalls).toBe(1);
  });

  it('answers what storage holds now after a write from outside this server (another process on the same database)', async () => {
    await notes();
    await notes();
    // A write that neither the host's capabilities nor this process made: the held value must go.
    const tenant = await t.platform.tenants.get(t.tenantId);
    await tenant.client.execute({
      sql: "update plugin_storage set value = '\"parcel\"' where plugin_id = 'acme.storage-reader' and key = ?",
      args: [`note:${orderIds[2]}`],
    });
    expect((await notes()).notes['ORD-3']).toBe('parcel');
    await tenant.client.execute({ sql: "delete from plugin_storage where plugin_id = 'acme.storage-reader' and key = ?", args: [`note:${orderIds[2]}`] });
    expect((await notes()).notes['ORD-3']).toBe('none');
  });

  it('reads nothing for an installation without the storage scope: its own reads are refused as before', async () => {
    expect((await t.admin(`mutation { uninstallPlugin(pluginId: "acme.storage-reader") { installation { pluginId } } }`)).errors).toBeUndefined();
    expect((await install(['orders:read'], '2.0.0')).errors).toBeUndefined();
    const { res } = await notes();
    expect(res.errors?.[0]?.extensions?.code).toBe('PLUGIN_FAILED');
    expect(res.errors?.[0]?.message).toContain("was not granted the 'storage' scope");
    expect(calls.every((c) => c.storageJson === undefined)).toBe(true);
  });
});
