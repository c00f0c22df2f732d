import type { Order, OrderLine } from '../domain/orders.js';
import type { GraphQLContext } from './context.js';
import { answeredAhead, NOT_ANSWERED, type FieldAhead } from './lists-ahead.js';

/** An order's line with the order's currency: a line has none of its own. */
export type PricedLine = OrderLine & { currency: string };

const pricedLines = (order: Order, lines: readonly OrderLine[]): PricedLine[] => lines.map((line) => ({ ...line, currency: order.currency }));

const LINES_KEY = 'core|Order.lines';

/**
 * `Order.lines`: answered ahead for a page of orders (one read for all their lines, lists-ahead.ts),
 * else through the request's lines loader.
 */
export function orderLines(order: Order, ctx: GraphQLContext): PricedLine[] | Promise<PricedLine[]> {
  const ahead = answeredAhead(ctx, order, LINES_KEY);
  if (ahead !== NOT_ANSWERED) return ahead as PricedLine[];
  return ctx.loaders.orderLines.load(order.id).then((lines) => pricedLines(order, lines));
}

/** Core's fields sent ahead of a list's items, by `Type.field`. */
export const coreFieldsAhead: ReadonlyMap<string, FieldAhead> = new Map([
  ['Order.lines', {
    keyOf: () => LINES_KEY,
    resolve: async (context: object, parents: readonly object[]) => {
      const orders = parents as readonly Order[];
      const lines = await (context as GraphQLContext).loaders.orderLines.loadMany(orders.map((o) => o.id));
      return lines.map((found, i) => (found instanceof Error ? found : pricedLines(orders[i]!, found)));
    },
  }],
]);
