import type { PluginContext } from '@mosaic/sdk';
import type { Config } from './config.js';
import { lookupParcels } from './lookup.js';
import { notifyIncident } from './notify.js';
import { parcelKey } from './shipment.js';
import { readLink } from './store.js';
import { linkParcels } from './tracking.js';

/**
 * Fulfilment starts tracking: the order's parcels are linked to it and its customer, asked about
 * at once, and an incident already under way gets its note.
 */
export async function startTracking(orderId: string, ctx: PluginContext<Config>, options: { onlyIf?: string } = {}): Promise<void> {
  const order = await ctx.orders.get(orderId);
  if (!order || (options.onlyIf && order.orderStatus !== options.onlyIf)) return;
  const refs = await linkParcels(order, null, ctx);
  const views = await lookupParcels(refs, ctx, { force: true });
  for (const ref of refs) {
    const view = views.get(parcelKey(ref));
    if (view && !view.stale) await notifyIncident(view, await readLink(ctx, ref), ctx);
  }
  ctx.log.info(`tracking ${refs.length} parcel(s) of order ${order.orderNumber}`, { orderId: order.id, parcels: refs.length });
}
