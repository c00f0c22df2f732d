import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { definePlugin } from './define-plugin.js';
import type { Order } from './generated/core-types.js';
import { runResolver } from './testing.js';

const order = (id: string, status: Order['status']): Order => ({
  id, number: `N-${id}`, status, currency: 'EUR', totalCents: 1000, lines: [], customer: { id: 'c1' }, placedAt: '2024-05-01T10:00:00Z',
});

const plugin = definePlugin({
  manifest: {
    id: 'acme.tracking',
    version: '0.1.0',
    name: 'Tracking',
    publisher: 'acme',
    description: 'Tracks orders.',
    scopes: ['storage'],
    egress: ['*.carrier.example'],
  },
  config: z.object({ prefix: z.string().default('#') }),
  resolvers: {
    Order: {
      acme_tracking_label: async (orders, _args, ctx) => orders.map((o) => `${ctx.config.prefix}${o.number}`),
      acme_tracking_mutates: async (orders) => orders.map((o) => ((o.status = 'CANCELLED'), o.status)),
      acme_tracking_partial: async (orders) => orders.map((o) => (o.status === 'PAID' ? 'ok' : new Error(`no tracking for ${o.id}`))),
      acme_tracking_short: async () => [],
      acme_tracking_customer: async (orders, _args, ctx) => Promise.all(orders.map((o) => ctx.customers.get(o.customer.id))),
      acme_tracking_seen: async (orders, _args, ctx) => {
        await ctx.storage.set('seen', orders.length);
        return Promise.all(orders.map(() => ctx.storage.get('seen')));
      },
      acme_tracking_fetch: async (orders, args, ctx) => {
        const res = await ctx.fetch(String(args.url));
        return orders.map(() => res.status);
      },
    },
  },
});

describe('runResolver (in-process stand-in for the isolate harness)', () => {
  it('calls the resolver once with all parents and the parsed config', async () => {
    expect(await runResolver(plugin, 'Order.acme_tracking_label', [order('1', 'PAID'), order('2', 'SHIPPED')])).toEqual(['#N-1', '#N-2']);
    expect(await runResolver(plugin, 'Order.acme_tracking_label', [order('1', 'PAID')], { config: { prefix: 'No. ' } })).toEqual(['No. N-1']);
  });

  it('hands over copies, as the bridge does', async () => {
    const parents = [order('1', 'PAID')];
    expect(await runResolver(plugin, 'Order.acme_tracking_mutates', parents)).toEqual(['CANCELLED']);
    expect(parents[0]?.status).toBe('PAID');
  });

  it('keeps per-parent errors in place', async () => {
    const [ok, failed] = await runResolver(plugin, 'Order.acme_tracking_partial', [order('1', 'PAID'), order('2', 'PENDING')]);
    expect(ok).toBe('ok');
    expect(failed).toEqual(new Error('no tracking for 2'));
  });

  it('insists on one result per parent', async () => {
    await expect(runResolver(plugin, 'Order.acme_tracking_short', [order('1', 'PAID')]))
      .rejects.toThrow('Order.acme_tracking_short must return one result per parent: got 0 for 1');
  });

  it('refuses capabilities the manifest has no scope or egress for, like the host', async () => {
    const ctx = { customers: { get: async () => null, list: async () => ({ nodes: [], pageInfo: { hasNextPage: false, endCursor: null } }) } };
    await expect(runResolver(plugin, 'Order.acme_tracking_customer', [order('1', 'PAID')], { ctx }))
      .rejects.toThrow('FORBIDDEN: the manifest does not request the "customers:read" scope');
    await expect(runResolver(plugin, 'Order.acme_tracking_fetch', [order('1', 'PAID')], { args: { url: 'https://evil.example/x' } }))
      .rejects.toThrow('FORBIDDEN: evil.example is not in the manifest\'s egress');
  });

  it('gives granted capabilities working fakes, or the test\'s own', async () => {
    expect(await runResolver(plugin, 'Order.acme_tracking_seen', [order('1', 'PAID'), order('2', 'PAID')])).toEqual([2, 2]);
    const fetch = async () => ({ status: 204, headers: {}, text: async () => '', json: async () => null });
    expect(await runResolver(plugin, 'Order.acme_tracking_fetch', [order('1', 'PAID')], { args: { url: 'https://api.carrier.example/t' }, ctx: { fetch } }))
      .toEqual([204]);
    await expect(runResolver(plugin, 'Order.acme_tracking_fetch', [order('1', 'PAID')], { args: { url: 'https://api.carrier.example/t' } }))
      .rejects.toThrow('ctx.fetch is not faked: pass it in the ctx option');
  });

  it('names the resolvers there are when asked for a missing one', async () => {
    await expect(runResolver(plugin, 'Order.nope', [])).rejects.toThrow(/^The plugin has no resolver Order\.nope; it has Order\.acme_tracking_label, /);
  });
});
