import { UserInputError, type Order, type PluginContext } from '@mosaic/sdk';
import type { Config } from './config.js';
import { lookupParcels, lookupSummaries, type ShipmentSummaryView, type ShipmentView } from './lookup.js';
import { parcelKey, type Carrier, type ParcelRef } from './shipment.js';
import { readAttached, writeAttached } from './attachments.js';
import { deleteLink, writeLink } from './store.js';

/** Which parcels belong to an order, and how an order starts being tracked. */

type Ctx = PluginContext<Config>;
type OrderInput = Pick<Order, 'id' | 'orderNumber' | 'orderStatus'>;

/** Orders that have left the warehouse; the others have no parcel yet (or any more). */
const SHIPPED: ReadonlySet<string> = new Set(['SHIPPED', 'DELIVERED', 'RETURNED']);
export const hasShipped = (order: Pick<Order, 'orderStatus'>): boolean => SHIPPED.has(order.orderStatus);

/** An order carries at most this many parcels; more is a mistake worth refusing. */
export const MAX_PARCELS_PER_ORDER = 10;

const FORMATS: Record<Carrier, { pattern: RegExp; rule: string }> = {
  PARCELLY: { pattern: /^[A-Z0-9]{8,40}$/, rule: '8 to 40 letters and digits' },
  SHIPFAST: { pattern: /^SF[0-9]{8,20}$/, rule: 'SF followed by 8 to 20 digits' },
};

/** A tracking number as the carrier writes it, or a BAD_USER_INPUT naming the carrier's rule. */
export function checkedRef(carrier: unknown, trackingNumber: unknown): ParcelRef {
  if (carrier !== 'PARCELLY' && carrier !== 'SHIPFAST') throw new UserInputError('carrier must be PARCELLY or SHIPFAST');
  const number = typeof trackingNumber === 'string' ? trackingNumber.trim().toUpperCase() : '';
  const format = FORMATS[carrier];
  if (!format.pattern.test(number)) throw new UserInputError(`trackingNumber: a ${carrier} tracking number is ${format.rule}`);
  return { carrier, trackingNumber: number };
}

/**
 * The label printed from the order number when the shop attached none: Parcelly, "MC" plus the
 * number's letters and digits (ORD-1001 → MCORD1001), which the carrier tracks like any other.
 */
export function derivedRef(order: Pick<Order, 'orderNumber'>): ParcelRef {
  const alnum = order.orderNumber.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return { carrier: 'PARCELLY', trackingNumber: `MC${alnum.padStart(6, '0')}`.slice(0, 40) };
}

/** Each order's attached parcels; a shipped order without any gets its derived one (when configured). */
export async function parcelsOf(orders: readonly OrderInput[], ctx: Ctx): Promise<ParcelRef[][]> {
  if (!orders.length) return [];
  const attached = await readAttached(ctx, orders.map((o) => o.id));
  return orders.map((order) => {
    const refs = attached.get(order.id) ?? [];
    if (refs.length) return refs;
    return hasShipped(order) && ctx.config.deriveTrackingNumbers ? [derivedRef(order)] : [];
  });
}

/** Views for several orders at once: one lookup for all their parcels. */
export async function shipmentsOfOrders(orders: readonly OrderInput[], ctx: Ctx): Promise<ShipmentView[][]> {
  const refs = await parcelsOf(orders, ctx);
  const views = await lookupParcels(refs.flat(), ctx);
  return refs.map((list) => list.map((ref) => views.get(parcelKey(ref))!));
}

/** As `shipmentsOfOrders`, without the histories: what the GraphQL list fields answer. */
export async function shipmentSummariesOfOrders(orders: readonly OrderInput[], ctx: Ctx): Promise<ShipmentSummaryView[][]> {
  const refs = await parcelsOf(orders, ctx);
  const views = await lookupSummaries(refs.flat(), ctx);
  return refs.map((list) => list.map((ref) => views.get(parcelKey(ref))!));
}

/**
 * Remembers which order and customer a parcel belongs to (for the proactive notes) and, for an
 * attached number, lists it on the order. Returns the order's parcels.
 */
export async function linkParcels(order: Order, attach: ParcelRef | null, ctx: Ctx): Promise<ParcelRef[]> {
  let parcels = (await readAttached(ctx, [order.id])).get(order.id) ?? [];
  if (attach && !parcels.some((p) => parcelKey(p) === parcelKey(attach))) {
    if (parcels.length >= MAX_PARCELS_PER_ORDER) throw new UserInputError(`order ${order.orderNumber} already has ${MAX_PARCELS_PER_ORDER} tracking numbers`);
    // The first real number replaces the guessed one: its news is no longer this customer's.
    if (!parcels.length && ctx.config.deriveTrackingNumbers) await deleteLink(ctx, derivedRef(order));
    parcels = [...parcels, attach];
    await writeAttached(ctx, order.id, attach, parcels);
  }
  if (!parcels.length && hasShipped(order) && ctx.config.deriveTrackingNumbers) parcels = [derivedRef(order)];
  const link = { orderId: order.id, customerId: order.customer.id, orderNumber: order.orderNumber };
  await Promise.all(parcels.map((ref) => writeLink(ctx, ref, link)));
  return parcels;
}
