import { describe, expectTypeOf, it } from 'vitest';
import * as z from 'zod';
import { definePlugin, graphql, type Order, type PluginContext } from './index.js';

const manifest = {
  id: 'acme.inputs',
  version: '1.0.0',
  name: 'Inputs',
  publisher: 'acme',
  description: 'Checks what a declared input types.',
  scopes: ['orders:read' as const],
};

type OrderStatus = 'PENDING' | 'PAID' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED' | 'RETURNED';

describe('declared inputs', () => {
  it('types parents from the selection, exactly', () => {
    definePlugin({
      manifest,
      inputs: {
        Order: { acme_inputs_eta: graphql(`fragment EtaInput on Order { orderNumber orderStatus lines { sku quantity } placedAt }`) },
      },
      resolvers: {
        Order: {
          acme_inputs_eta: async (orders) => {
            expectTypeOf(orders).toEqualTypeOf<Array<{
              orderNumber: string;
              orderStatus: OrderStatus;
              lines: Array<{ sku: string; quantity: number }>;
              placedAt: string;
            }>>();
            return orders.map((o) => o.lines.length);
          },
        },
      },
    });
  });

  it('refuses to read a field the selection does not declare', () => {
    definePlugin({
      manifest,
      inputs: { Order: { acme_inputs_number: graphql(`fragment NumberOnly on Order { orderNumber }`) } },
      resolvers: {
        Order: {
          // @ts-expect-error placedAt is not declared, so it is not there
          acme_inputs_number: async (orders) => orders.map((o) => o.placedAt),
        },
      },
    });
  });

  it('asks every field of a type with declared inputs to declare one', () => {
    definePlugin({
      manifest,
      inputs: { Order: { acme_inputs_number: graphql(`fragment NumberOnly on Order { orderNumber }`) } },
      resolvers: {
        Order: {
          acme_inputs_number: async (orders) => orders.map((o) => o.orderNumber),
          // @ts-expect-error Order declares inputs, so this field needs one too
          acme_inputs_whole: async (orders: Order[]) => orders.map((o) => o.placedAt),
        },
      },
    });
  });

  it('keeps ctx.config typed from the plugin\'s config', () => {
    definePlugin({
      manifest,
      config: z.object({ days: z.int().default(3) }),
      inputs: { Order: { acme_inputs_days: graphql(`fragment DaysInput on Order { orderNumber }`) } },
      resolvers: {
        Order: {
          acme_inputs_days: async (orders, _args, ctx) => {
            expectTypeOf(ctx).toEqualTypeOf<PluginContext<{ days: number }>>();
            return orders.map(() => ctx.config.days);
          },
        },
      },
    });
  });

  it('types another plugin\'s fields as unknown, for the resolver to check', () => {
    definePlugin({
      manifest,
      inputs: { Order: { acme_inputs_foreign: graphql(`fragment Foreign on Order { orderNumber other_carrier_eta @optional }`) } },
      resolvers: {
        Order: {
          acme_inputs_foreign: async (orders) => {
            expectTypeOf(orders[0]!.other_carrier_eta).toBeUnknown();
            return orders.map(() => null);
          },
        },
      },
    });
  });
});
