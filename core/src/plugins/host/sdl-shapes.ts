/**
 * Rows → the SDL-shaped copies plugin code is promised (`@mosaic/sdk` core types): global ids,
 * `{ id }` references, ISO 8601 instants, Money, and the lists the SDL nests (identities, order lines).
 * GraphQL plugin resolvers hand the same shapes to plugins as `parents`.
 */
import type {
  Page,
  Account as SdlAccount,
  Case as SdlCase,
  Customer as SdlCustomer,
  Identity as SdlIdentity,
  Interaction as SdlInteraction,
  NodeRef,
  Order as SdlOrder,
  OrderLine as SdlOrderLine,
} from '@mosaic/sdk';
import type { Account } from '../../domain/accounts.js';
import type { Case } from '../../domain/cases.js';
import { currencyOrUnknown, toMoney } from '../../domain/currencies.js';
import { customerIdentities, type Customer, type Identity } from '../../domain/customers.js';
import type { Interaction } from '../../domain/interactions.js';
import { linesOfOrders, type Order, type OrderLine } from '../../domain/orders.js';
import { toGlobalId } from '../../lib/ids.js';
import type { Connection } from '../../domain/pagination.js';
import type { TenantContext } from '../../tenancy/context.js';

export type { SdlAccount, SdlCase, SdlCustomer, SdlInteraction, SdlOrder };

const ref = (type: string, id: string): NodeRef => ({ id: toGlobalId(type, id) });
const optionalRef = (type: string, id: string | null): NodeRef | null => (id === null ? null : ref(type, id));

export function toSdlAccount(row: Account): SdlAccount {
  return {
    id: toGlobalId('Account', row.id),
    name: row.name,
    domain: row.domain,
    tier: row.tier,
    address: row.address,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toSdlCustomer(row: Customer, identities: readonly Identity[]): SdlCustomer {
  return {
    id: toGlobalId('Customer', row.id),
    name: row.name,
    email: row.email,
    phone: row.phone,
    status: row.status,
    account: optionalRef('Account', row.accountId),
    address: row.address,
    mergedInto: optionalRef('Customer', row.mergedIntoId),
    identities: identities.map(toSdlIdentity),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toSdlIdentity(row: Identity): SdlIdentity {
  return { kind: row.kind, value: row.value, provider: row.provider, verified: row.verified };
}

export function toSdlOrder(row: Order, lines: readonly OrderLine[]): SdlOrder {
  return {
    id: toGlobalId('Order', row.id),
    orderNumber: row.number,
    orderStatus: row.status,
    currency: currencyOrUnknown(row.currency),
    total: toMoney(row.totalCents, row.currency),
    totalCents: row.totalCents,
    lines: lines.map((line) => toSdlOrderLine(line, row.currency)),
    customer: ref('Customer', row.customerId),
    placedAt: row.placedAt.toISOString(),
  };
}

function toSdlOrderLine(row: OrderLine, currency: string): SdlOrderLine {
  return {
    sku: row.sku,
    name: row.name,
    quantity: row.quantity,
    unitPrice: toMoney(row.unitPriceCents, currency),
    lineTotal: toMoney(row.quantity * row.unitPriceCents, currency),
    unitPriceCents: row.unitPriceCents,
    lineTotalCents: row.quantity * row.unitPriceCents,
  };
}

export function toSdlCase(row: Case): SdlCase {
  return {
    id: toGlobalId('Case', row.id),
    number: row.number,
    subject: row.subject,
    description: row.description,
    status: row.status,
    priority: row.priority,
    channel: row.channel,
    customer: ref('Customer', row.customerId),
    queue: optionalRef('Queue', row.queueId),
    assignee: optionalRef('Agent', row.assigneeId),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toSdlInteraction(row: Interaction): SdlInteraction {
  return {
    id: toGlobalId('Interaction', row.id),
    channel: row.channel,
    direction: row.direction,
    subject: row.subject,
    body: row.body,
    customer: ref('Customer', row.customerId),
    case: optionalRef('Case', row.caseId),
    agent: optionalRef('Agent', row.agentId),
    occurredAt: row.occurredAt.toISOString(),
  };
}

/** A connection's page as the SDK's `Page`: the mapped nodes and where to continue. */
export function toSdlPage<T>(connection: Connection<unknown>, nodes: T[]): Page<T> {
  return { nodes, pageInfo: { hasNextPage: connection.pageInfo.hasNextPage, endCursor: connection.pageInfo.endCursor } };
}

/** Customers with their identities, loaded in one query for the whole batch. */
export async function sdlCustomers(ctx: TenantContext, rows: readonly Customer[]): Promise<SdlCustomer[]> {
  if (rows.length === 0) return [];
  const byCustomer = groupBy(await customerIdentities(ctx, rows.map((r) => r.id)), (i) => i.customerId);
  return rows.map((r) => toSdlCustomer(r, byCustomer.get(r.id) ?? []));
}

/** Orders with their lines, loaded in one query for the whole batch. */
export async function sdlOrders(ctx: TenantContext, rows: readonly Order[]): Promise<SdlOrder[]> {
  if (rows.length === 0) return [];
  const byOrder = groupBy(await linesOfOrders(ctx, rows.map((r) => r.id)), (l) => l.orderId);
  return rows.map((r) => toSdlOrder(r, byOrder.get(r.id) ?? []));
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
