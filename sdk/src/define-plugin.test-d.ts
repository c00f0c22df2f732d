import { describe, expectTypeOf, it } from 'vitest';
import * as z from 'zod';
import type { Case, Customer, Order } from './generated/core-types.js';
import { definePlugin, type PluginContext, type WidgetNode } from './index.js';

const manifest = {
  id: 'acme.types',
  version: '1.0.0',
  name: 'Types',
  publisher: 'acme',
  description: 'Checks what authors see.',
};

interface Shipment {
  carrier: string;
}

describe('definePlugin types', () => {
  it('infers ctx.config from the config schema, defaults applied', () => {
    definePlugin({
      manifest,
      config: z.object({ apiBase: z.url(), retries: z.int().default(3), mode: z.enum(['live', 'test']).optional() }),
      resolvers: {
        Order: {
          acme_types_tracking: async (parents, _args, ctx) => {
            expectTypeOf(ctx.config).toEqualTypeOf<{ apiBase: string; retries: number; mode?: 'live' | 'test' | undefined }>();
            expectTypeOf(ctx).toEqualTypeOf<PluginContext<{ apiBase: string; retries: number; mode?: 'live' | 'test' | undefined }>>();
            return parents.map(() => null);
          },
        },
      },
    });
  });

  it('gives a plugin without config an empty config', () => {
    definePlugin({
      manifest,
      events: {
        'order.created': async (event, ctx) => {
          expectTypeOf(ctx.config).toEqualTypeOf<Record<string, never>>();
          expectTypeOf(event.payload).toEqualTypeOf<{ [key: string]: import('./json.js').JsonValue }>();
        },
      },
    });
  });

  it('types batched parents by the core type they extend', () => {
    definePlugin({
      manifest,
      resolvers: {
        Order: {
          acme_types_tracking: async (parents) => {
            expectTypeOf(parents).toEqualTypeOf<Order[]>();
            expectTypeOf(parents[0]!.lines[0]!.quantity).toBeNumber();
            expectTypeOf(parents[0]!.customer).toEqualTypeOf<{ id: string }>();
            return parents.map((o) => o.orderNumber);
          },
        },
        Customer: { acme_types_vip: async (parents) => (expectTypeOf(parents).toEqualTypeOf<Customer[]>(), parents.map(() => true)) },
        Query: { acme_types_ping: async (parents) => (expectTypeOf(parents).toEqualTypeOf<Record<string, never>[]>(), ['pong']) },
        // The plugin's own types: parents are unknown unless the author says what they are.
        Acme_Types_Shipment: {
          status: async (parents) => (expectTypeOf(parents).toEqualTypeOf<unknown[]>(), parents.map(() => 'ok')),
          eta: async (parents: Shipment[], args: { unit?: 'days' }) => parents.map((p) => `${p.carrier} ${args.unit ?? 'days'}`),
        },
      },
    });
  });

  it('rejects a resolver that annotates the wrong core parent or returns no array', () => {
    definePlugin({
      manifest,
      resolvers: {
        Order: {
          // @ts-expect-error Case is not what Order resolvers receive
          acme_types_a: async (parents: Case[]) => parents.map(() => null),
          // @ts-expect-error one result per parent, as an array
          acme_types_b: async () => 'not a list',
        },
      },
    });
  });

  it('types ctx capabilities with the core types', () => {
    definePlugin({
      manifest,
      actions: {
        escalate: async (input, ctx) => {
          expectTypeOf(input).toEqualTypeOf<import('./json.js').JsonValue>();
          expectTypeOf(ctx.orders.get).returns.resolves.toEqualTypeOf<Order | null>();
          expectTypeOf(ctx.cases.create).parameter(0).toHaveProperty('customerId').toEqualTypeOf<string>();
          expectTypeOf(ctx.customers.list).returns.resolves.toHaveProperty('nodes').toEqualTypeOf<Customer[]>();
          const res = await ctx.fetch('https://api.example.com', { headers: { authorization: 'Bearer {{secret:API_KEY}}' } });
          expectTypeOf(res.status).toBeNumber();
          expectTypeOf(res.json()).resolves.toBeUnknown();
          return { message: 'Escalated' };
        },
      },
    });
  });

  it('types a widget target by its extension point', () => {
    definePlugin({
      manifest,
      widgets: [
        {
          id: 'order',
          extensionPoint: 'portal.order.detail',
          title: 'Order',
          render: async (target) => {
            expectTypeOf(target).toEqualTypeOf<{ order: Order }>();
            return { type: 'text', text: target.order.orderNumber };
          },
        },
        {
          id: 'case',
          extensionPoint: 'console.case.sidebar',
          title: 'Case',
          render: async ({ case: c }) => ({ type: 'badge', text: c.status, tone: 'info' }),
        },
      ],
    });
    // @ts-expect-error a widget is data: no component outside the host's set
    const bad: WidgetNode = { type: 'iframe', src: 'https://x.example' };
    expectTypeOf(bad).not.toBeAny();
  });

  it('keeps the config type on the definition', () => {
    const plugin = definePlugin({ manifest, config: z.object({ n: z.number() }) });
    expectTypeOf(plugin.config).toEqualTypeOf<z.ZodObject<{ n: z.ZodNumber }> | undefined>();
    // @ts-expect-error unknown manifest scope
    definePlugin({ manifest: { ...manifest, scopes: ['customers:write'] } });
  });
});
