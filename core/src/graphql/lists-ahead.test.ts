import { makeExecutableSchema } from '@graphql-tools/schema';
import { execute, parse, type GraphQLFieldResolver } from 'graphql';
import { describe, expect, it } from 'vitest';
import { answeredAhead, NOT_ANSWERED, resolveListsAhead, type FieldAhead } from './lists-ahead.js';

interface Order { id: string; status: string }

/**
 * Customers with pages of orders, where `Order.label(loud)` stands for a plugin field: sent ahead
 * when a list reaches it, else answered one parent at a time (and counted, as a fallback).
 */
function harness(options: { failBatch?: boolean; wrapAgain?: boolean } = {}) {
  const batches: { ids: string[]; args: Record<string, unknown> }[] = [];
  let fallbacks = 0;
  const answer = (o: Order, args: Record<string, unknown>) => (args.loud ? `${o.id}!` : o.id);
  const keyOf = (args: Record<string, unknown>) => `label|${JSON.stringify(args)}`;
  const label: GraphQLFieldResolver<Order, object> = (order, args, context) => {
    const ahead = answeredAhead(context, order, keyOf(args));
    if (ahead !== NOT_ANSWERED) return ahead;
    fallbacks++;
    return Promise.resolve(answer(order, args));
  };
  const field: FieldAhead = {
    keyOf,
    resolve: async (_context, parents, args) => {
      batches.push({ ids: (parents as Order[]).map((o) => o.id), args });
      if (options.failBatch) throw new Error('the plugin is down');
      return (parents as Order[]).map((o) => (o.id === 'o-bad' ? new Error('not this one') : answer(o, args)));
    },
  };
  const orders = (customer: string): Order[] => [1, 2, 3].map((i) => ({ id: customer === 'c2' && i === 3 ? 'o-bad' : `${customer}-o${i}`, status: 'PAID' }));
  const schema = makeExecutableSchema({
    typeDefs: /* GraphQL */ `
      type Query { customers: [Customer!]!, order: Order, items: [Item!]!, promised: [OrderEdge!]! }
      type Customer { id: ID!, orders: OrderConnection! }
      type OrderConnection { edges: [OrderEdge!]! }
      type OrderEdge { node: Order! }
      type Order { id: ID!, status: String!, label(loud: Boolean = false): String }
      union Item = Order
    `,
    resolvers: {
      Query: {
        customers: () => [{ id: 'c1' }, { id: 'c2' }],
        order: () => ({ id: 'single', status: 'PAID' }),
        items: () => orders('u').map((o) => ({ ...o, __typename: 'Order' })),
        promised: () => orders('p').map((o) => ({ node: Promise.resolve(o) })),
      },
      Customer: { orders: async (c: { id: string }) => ({ edges: orders(c.id).map((node) => ({ node })) }) },
      Item: { __resolveType: () => 'Order' },
      Order: { label },
    },
  });
  resolveListsAhead(schema, new Map([['Order.label', field]]));
  // As a tenant's schema is wrapped again over the base's wrapped resolvers.
  if (options.wrapAgain) resolveListsAhead(schema, new Map([['Order.label', field]]));
  const run = async (query: string, variableValues?: Record<string, unknown>) =>
    (await execute({ schema, document: parse(query), contextValue: {}, variableValues })) as { data?: any; errors?: readonly Error[] };
  return { run, batches, fallbacks: () => fallbacks };
}

describe('plugin fields answered ahead of their items', () => {
  it('sends each page\'s parents in one batch and answers every item from it', async () => {
    const h = harness();
    const res = await h.run('{ customers { id orders { edges { node { id label } } } } }');
    expect(res.errors?.map((e) => e.message)).toEqual(['not this one']);
    expect(res.data?.customers[0].orders.edges.map((e: { node: { label: string } }) => e.node.label)).toEqual(['c1-o1', 'c1-o2', 'c1-o3']);
    expect(res.data?.customers[1].orders.edges.map((e: { node: { label: string } }) => e.node.label)).toEqual(['c2-o1', 'c2-o2', null]);
    expect(h.batches.map((b) => b.ids)).toEqual([['c1-o1', 'c1-o2', 'c1-o3'], ['c2-o1', 'c2-o2', 'o-bad']]);
    expect(h.fallbacks()).toBe(0);
  });

  it('batches by arguments, through aliases, fragments and variables, and skips what @include leaves out', async () => {
    const h = harness();
    const res = await h.run(`query($loud: Boolean!, $with: Boolean!) {
      customers { orders { edges { node { ...Labels quiet: label(loud: false) never: label(loud: true) @include(if: $with) } } } }
    }
    fragment Labels on Order { ... on Order { loud: label(loud: $loud) } }`, { loud: true, with: false });
    expect(res.errors?.map((e) => e.message)).toEqual(['not this one', 'not this one']);
    const first = res.data?.customers[0].orders.edges[0].node;
    expect(first).toEqual({ loud: 'c1-o1!', quiet: 'c1-o1' });
    expect(h.batches.map((b) => b.args)).toEqual([{ loud: true }, { loud: false }, { loud: true }, { loud: false }]);
    expect(h.fallbacks()).toBe(0);
  });

  it('fails each item\'s field with a failed batch\'s error and keeps the list', async () => {
    const h = harness({ failBatch: true });
    const res = await h.run('{ customers { id orders { edges { node { id label } } } } }');
    expect(res.data?.customers.map((c: { id: string }) => c.id)).toEqual(['c1', 'c2']);
    expect(res.data?.customers[0].orders.edges[0].node).toEqual({ id: 'c1-o1', label: null });
    expect(res.errors).toHaveLength(6);
    expect(new Set(res.errors?.map((e) => e.message))).toEqual(new Set(['the plugin is down']));
    expect(h.fallbacks()).toBe(0);
  });

  it('leaves a single parent, and items behind an abstract type, to the field\'s own resolver', async () => {
    const h = harness();
    const res = await h.run('{ order { label } items { ... on Order { label } } }');
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ order: { label: 'single' }, items: [{ label: 'u-o1' }, { label: 'u-o2' }, { label: 'u-o3' }] });
    expect(h.batches).toEqual([]);
    expect(h.fallbacks()).toBe(4);
  });

  it('sends no promise as a parent: items the executor still awaits go through the resolver', async () => {
    const h = harness();
    const res = await h.run('{ promised { node { label } } }');
    expect(res.errors).toBeUndefined();
    expect(res.data?.promised.map((e: { node: { label: string } }) => e.node.label)).toEqual(['p-o1', 'p-o2', 'p-o3']);
    expect(h.batches).toEqual([]);
    expect(h.fallbacks()).toBe(3);
  });

  it('wraps a wrapped field anew from its own resolver: each batch is sent once', async () => {
    const h = harness({ wrapAgain: true });
    const res = await h.run('{ customers { orders { edges { node { label } } } } }');
    expect(res.data?.customers[0].orders.edges[2].node.label).toBe('c1-o3');
    expect(h.batches).toHaveLength(2);
    expect(h.fallbacks()).toBe(0);
  });

  it('answers nothing ahead to another request', async () => {
    const h = harness();
    await h.run('{ customers { orders { edges { node { label } } } } }');
    const order = { id: 'c1-o1', status: 'PAID' };
    expect(answeredAhead({}, order, 'label|{"loud":false}')).toBe(NOT_ANSWERED);
  });
});
