import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Customer } from '../../domain/customers.js';
import type { Order } from '../../domain/orders.js';
import { toGlobalId } from '../../lib/ids.js';
import { hostFor, openTenants, seedCustomer, seedOrder, type Tenants } from './test-fixtures.js';

let tenants: Tenants;
let ada: Customer;
let grace: Customer;
let older: Order;
let newer: Order;

beforeAll(async () => {
  tenants = await openTenants();
  ada = await seedCustomer(tenants.a, 'Ada Lovelace');
  grace = await seedCustomer(tenants.a, 'Grace Hopper');
  older = await seedOrder(tenants.a, ada, new Date('2024-05-01T12:00:00Z'));
  newer = await seedOrder(tenants.a, ada, new Date('2024-06-01T12:00:00Z'));
  await seedOrder(tenants.a, grace);
});
afterAll(() => tenants.close());

describe('orders.get', () => {
  it('returns the SDL shape with lines, totals and the customer as a reference', async () => {
    const { host } = hostFor(tenants.a);
    const order = await host('orders.get', { id: toGlobalId('Order', older.id) });
    expect(order).toStrictEqual({
      id: toGlobalId('Order', older.id),
      orderNumber: older.number,
      orderStatus: 'PAID',
      currency: 'EUR',
      total: { amount: '110.00', currency: 'EUR' },
      totalCents: 11_000,
      lines: expect.arrayContaining([
        {
          sku: 'KB-1', name: 'Keyboard', quantity: 2, unitPrice: { amount: '45.00', currency: 'EUR' },
          lineTotal: { amount: '90.00', currency: 'EUR' }, unitPriceCents: 4_500, lineTotalCents: 9_000,
        },
        {
          sku: 'MS-1', name: 'Mouse', quantity: 1, unitPrice: { amount: '20.00', currency: 'EUR' },
          lineTotal: { amount: '20.00', currency: 'EUR' }, unitPriceCents: 2_000, lineTotalCents: 2_000,
        },
      ]),
      customer: { id: toGlobalId('Customer', ada.id) },
      placedAt: '2024-05-01T12:00:00.000Z',
    });
    expect((order as { lines: unknown[] }).lines).toHaveLength(2);
  });

  it('answers null for an unknown, mistyped or foreign id', async () => {
    expect(await hostFor(tenants.a).host('orders.get', { id: toGlobalId('Customer', older.id) })).toBeNull();
    expect(await hostFor(tenants.a).host('orders.get', { id: 'x' })).toBeNull();
    expect(await hostFor(tenants.b).host('orders.get', { id: toGlobalId('Order', older.id) })).toBeNull();
  });
});

describe('orders.listByCustomer', () => {
  it("lists one customer's orders, newest first, each with its lines", async () => {
    const { host } = hostFor(tenants.a);
    const page = (await host('orders.listByCustomer', { customerId: toGlobalId('Customer', ada.id), first: 1 })) as {
      nodes: { id: string; lines: unknown[] }[];
      pageInfo: { hasNextPage: boolean; endCursor: string };
    };
    expect(page.nodes.map((o) => o.id)).toEqual([toGlobalId('Order', newer.id)]);
    expect(page.nodes[0]!.lines).toHaveLength(2);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const next = (await host('orders.listByCustomer', {
      customerId: toGlobalId('Customer', ada.id),
      after: page.pageInfo.endCursor,
    })) as typeof page;
    expect(next.nodes.map((o) => o.id)).toEqual([toGlobalId('Order', older.id)]);
  });

  it('lists nothing (and never everything) for a malformed, mistyped or foreign customer id', async () => {
    const empty = { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } };
    expect(await hostFor(tenants.a).host('orders.listByCustomer', { customerId: 'nonsense' })).toEqual(empty);
    expect(await hostFor(tenants.a).host('orders.listByCustomer', { customerId: toGlobalId('Order', ada.id) })).toEqual(empty);
    expect(await hostFor(tenants.b).host('orders.listByCustomer', { customerId: toGlobalId('Customer', ada.id) })).toEqual(empty);
  });
});
