import { randomInt } from 'node:crypto';
import { expect } from 'vitest';
import type { Client } from './harness.js';

/**
 * The platform's main path in one scenario, reusable against any deployment (embedded or a
 * libsql server, one core process or several): create a customer with a case, interactions and
 * an order, then read them back through connections and the timeline.
 */
export async function runMainPath(writer: Client, reader: Client = writer): Promise<{ customerId: string }> {
  const tag = randomInt(1_000_000, 9_999_999);
  const created = await writer.gql(`mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } } }`,
    { i: { name: 'Grace Hopper', email: `grace.${tag}@navy.example`, phone: `+1 555 ${tag}` } });
  expect(created.errors).toBeUndefined();
  const customerId = created.data!.createCustomer.customer.id as string;

  const kase = await writer.gql(`mutation($i: CreateCaseInput!) { createCase(input: $i) { case { id number status } } }`,
    { i: { customerId, subject: 'Compiler crashes', priority: 'HIGH', channel: 'EMAIL' } });
  expect(kase.errors).toBeUndefined();
  const caseId = kase.data!.createCase.case.id as string;

  const at = (minutes: number) => new Date(Date.UTC(2025, 0, 1, 12, minutes)).toISOString();
  for (const [minutes, channel] of [[1, 'EMAIL'], [3, 'PHONE'], [5, 'CHAT']] as const) {
    const res = await writer.gql(`mutation($i: AddInteractionInput!) { addInteraction(input: $i) { interaction { id } } }`,
      { i: { customerId, caseId, channel, direction: 'INBOUND', body: `contact via ${channel}`, occurredAt: at(minutes) } });
    expect(res.errors).toBeUndefined();
  }
  const order = await writer.gql(`mutation($i: CreateOrderInput!) { createOrder(input: $i) { order { totalCents } } }`,
    { i: { customerId, currency: 'USD', placedAt: at(4), lines: [{ sku: 'BUG-1', name: 'Moth', quantity: 3, unitPriceCents: 250 }] } });
  expect(order.data?.createOrder.order.totalCents).toBe(750);

  const view = await reader.gql(`query($id: ID!) {
    customer(id: $id) {
      name
      cases(first: 5) { edges { node { id subject interactions(first: 10) { edges { node { channel } } } } } }
      orders(first: 5) { edges { node { totalCents lines { sku lineTotalCents } } } }
      timeline(first: 2) { edges { kind node { __typename } } pageInfo { hasNextPage endCursor } }
    }
  }`, { id: customerId });
  expect(view.errors).toBeUndefined();
  const c = view.data!.customer;
  expect(c.name).toBe('Grace Hopper');
  expect(c.cases.edges.map((e: any) => e.node.id)).toEqual([caseId]);
  expect(c.cases.edges[0].node.interactions.edges.map((e: any) => e.node.channel)).toEqual(['CHAT', 'PHONE', 'EMAIL']);
  expect(c.orders.edges[0].node.lines).toEqual([{ sku: 'BUG-1', lineTotalCents: 750 }]);
  // Newest first: the case (created now), then the chat at :05; the order at :04 is on page two.
  expect(c.timeline.edges.map((e: any) => e.kind)).toEqual(['CASE', 'INTERACTION']);
  expect(c.timeline.pageInfo.hasNextPage).toBe(true);
  const rest = await reader.gql(`query($id: ID!, $after: String) { customer(id: $id) { timeline(first: 10, after: $after) { edges { kind } pageInfo { hasNextPage } } } }`,
    { id: customerId, after: c.timeline.pageInfo.endCursor });
  expect(rest.data!.customer.timeline.edges.map((e: any) => e.kind)).toEqual(['ORDER', 'INTERACTION', 'INTERACTION']);
  expect(rest.data!.customer.timeline.pageInfo.hasNextPage).toBe(false);
  return { customerId };
}
