import { asc, eq, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { inJsonArray, perDatabase } from '../db/prepared.js';
import { tableRows } from '../db/table-rows.js';
import type { TenantDrizzle } from '../db/tenant-db.js';
import { customers, orderLines, orders, ORDER_STATUSES } from '../db/tenant-schema.js';
import { AppError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { parseInput } from '../lib/validate.js';
import { assertCanWrite, type TenantContext } from '../tenancy/context.js';
import { isCurrencyCode } from './currencies.js';
import { liveEvents } from './live-events.js';
import { emitEvent } from './outbox.js';
import { timeKey, type Connection, type PageArgs } from './pagination.js';
import { pageOfRows, requireRow } from './rows.js';

export type Order = typeof orders.$inferSelect;
export type OrderLine = typeof orderLines.$inferSelect;

const MAX_CENTS = 1_000_000_000_00;
const MAX_TOTAL_CENTS = 2_147_483_647;

export const createOrderInput = z.object({
  customerId: z.string(),
  number: z.string().trim().min(1).max(64).optional(),
  currency: z.string().trim().toUpperCase().refine(isCurrencyCode, 'an ISO 4217 code of a currency in circulation, such as EUR'),
  status: z.enum(ORDER_STATUSES).default('PENDING'),
  placedAt: z.coerce.date().refine((d) => !Number.isNaN(d.getTime()), 'not a date').nullish(),
  lines: z.array(z.object({
    sku: z.string().trim().min(1).max(64),
    name: z.string().trim().min(1).max(300),
    quantity: z.number().int().min(1).max(100_000),
    unitPriceCents: z.number().int().min(0).max(MAX_CENTS),
  })).min(1, 'an order has at least one line').max(500),
});

export const updateOrderStatusInput = z.object({ status: z.enum(ORDER_STATUSES) });

export interface OrderFilter {
  customerId?: string | null;
  status?: Order['status'] | null;
}

export function getOrder(ctx: TenantContext, id: string): Promise<Order> {
  return requireRow(ctx.data.db, orders, id, 'Order');
}

export async function listOrders(ctx: TenantContext, args: PageArgs & { filter?: OrderFilter | null }): Promise<Connection<Order>> {
  const f = args.filter ?? {};
  const where: (SQL | undefined)[] = [];
  if (f.customerId) where.push(eq(orders.customerId, f.customerId));
  if (f.status) where.push(eq(orders.status, f.status));
  return pageOfRows(ctx.data.db, orders, where, {
    sort: orders.placedAt, id: orders.id, direction: 'desc', sortValue: (o) => timeKey(o.placedAt),
  }, args);
}

const linesStatement = perDatabase((db: TenantDrizzle) =>
  db.select().from(orderLines).where(inJsonArray(orderLines.orderId, 'orderIds')).orderBy(asc(orderLines.id)).prepare());

/** The lines of these orders (for DataLoader and the plugin host), one statement for any number. */
export async function linesOfOrders(ctx: TenantContext, orderIds: readonly string[]): Promise<OrderLine[]> {
  return tableRows(orderLines, await linesStatement(ctx.data.db).values({ orderIds: JSON.stringify(orderIds) }));
}

export async function createOrder(ctx: TenantContext, raw: unknown): Promise<Order> {
  assertCanWrite(ctx);
  const input = parseInput(createOrderInput, raw);
  const placed = await ctx.data.write(async (tx) => {
    await requireRow(tx, customers, input.customerId, 'Customer');
    const id = newId();
    const number = input.number ?? `ORD-${id.slice(-12).toUpperCase()}`;
    const [taken] = await tx.select({ id: orders.id }).from(orders).where(eq(orders.number, number)).limit(1);
    if (taken) throw new AppError('CONFLICT', `order number ${number} is already used`);
    const totalCents = input.lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0);
    // Totals are read back as GraphQL Int (32-bit): a larger one was stored, then failed to
    // serialize (INTERNAL_SERVER_ERROR on a committed order), so refuse it up front.
    if (totalCents > MAX_TOTAL_CENTS) {
      throw new AppError('BAD_USER_INPUT', `order total is too large: at most ${MAX_TOTAL_CENTS} cents per order`);
    }
    const now = new Date();
    const order: Order = {
      id, number, customerId: input.customerId, status: input.status, currency: input.currency,
      totalCents, placedAt: input.placedAt ?? now, createdAt: now,
    };
    await tx.insert(orders).values(order);
    await tx.insert(orderLines).values(input.lines.map((l) => ({ id: newId(), orderId: id, ...l })));
    await emitEvent(tx, ctx.actor, 'order.created', id, { number, customerId: order.customerId, totalCents, currency: order.currency });
    return order;
  });
  // After the commit, for live timelines (a rolled-back write has thrown above).
  liveEvents.publish(ctx.tenantId, { type: 'order.created', customerId: placed.customerId, order: placed });
  return placed;
}

export async function updateOrderStatus(ctx: TenantContext, id: string, raw: unknown): Promise<Order> {
  assertCanWrite(ctx);
  const input = parseInput(updateOrderStatusInput, raw);
  return ctx.data.write(async (tx) => {
    const current = await requireRow(tx, orders, id, 'Order');
    await tx.update(orders).set({ status: input.status }).where(eq(orders.id, id));
    await emitEvent(tx, ctx.actor, 'order.status_changed', id, { from: current.status, to: input.status });
    return { ...current, status: input.status };
  });
}
