import type { Order } from '@mosaic/sdk';

/** Orders that have left the warehouse; the others have no parcel to track yet (or any more). */
const SHIPPED_STATUSES: ReadonlySet<Order['orderStatus']> = new Set(['SHIPPED', 'DELIVERED', 'RETURNED']);

export const hasShipment = (order: Pick<Order, 'orderStatus'>): boolean => SHIPPED_STATUSES.has(order.orderStatus);

/**
 * The shop prints the order number on the label, and the carrier's tracking number is "MC" plus
 * that number's letters and digits (at least 8 characters, at most 40, as the carrier requires).
 */
export function trackingNumberFor(order: Pick<Order, 'orderNumber'>): string {
  const alnum = order.orderNumber.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return `MC${alnum.padStart(6, '0')}`.slice(0, 40);
}
