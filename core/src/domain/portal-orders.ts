import { notFound } from '../lib/errors.js';
import { getOrder, linesOfOrders, listOrders, type Order, type OrderLine } from './orders.js';
import type { Connection, PageArgs } from './pagination.js';
import { actingFor, type PortalCustomer } from './portal-customer.js';

/** The customer's own orders, newest first. */
export function listMyOrders(customer: PortalCustomer, args: PageArgs): Promise<Connection<Order>> {
  return listOrders(actingFor(customer), { ...args, filter: { customerId: customer.customerId } });
}

/** One of the customer's orders with its lines; anyone else's is NOT_FOUND, like a missing one. */
export async function getMyOrder(customer: PortalCustomer, id: string): Promise<{ order: Order; lines: OrderLine[] }> {
  const ctx = actingFor(customer);
  const order = await getOrder(ctx, id);
  if (order.customerId !== customer.customerId) throw notFound('Order');
  return { order, lines: await linesOfOrders(ctx, [order.id]) };
}
