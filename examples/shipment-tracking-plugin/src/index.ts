import { definePlugin, graphql, type Order, type PluginContext } from '@mosaic/sdk';
import { cacheKey, lookupShipments } from './carrier.js';
import { config, type Config } from './config.js';
import { schema } from './schema.js';
import { hasShipment, trackingNumberFor } from './tracking.js';
import { renderShipmentCard, statusLabel } from './widget.js';

/**
 * Shipment tracking, written the way a third party writes a Mosaic plugin: only @mosaic/sdk and
 * zod. Orders get a `example_shipmentTracking_shipment` field and a console sidebar card, both
 * fed by the carrier's API through ctx.fetch (egress to carrier.example.test; for local
 * development the operator maps that name to the simulated carrier, see README.md).
 */
export default definePlugin({
  manifest: {
    id: 'example.shipment-tracking',
    version: '0.1.0',
    name: 'Shipment tracking',
    publisher: 'example',
    description: 'Shows where each shipped order is, with its delivery estimate and route, from the carrier\'s tracking API.',
    scopes: ['orders:read', 'storage'],
    egress: ['carrier.example.test'],
    secrets: [{ name: 'CARRIER_TOKEN', description: 'API token for the carrier\'s tracking API' }],
  },
  config,
  schema,
  // What the field reads of each order: the host sends these two fields and nothing else.
  inputs: {
    Order: { example_shipmentTracking_shipment: graphql(`fragment ShipmentInput on Order { orderNumber orderStatus }`) },
  },
  resolvers: {
    Order: {
      // One call for every order in the response: the carrier is asked once per distinct parcel.
      example_shipmentTracking_shipment: async (orders, _args, ctx) => {
        const numbers = orders.filter(hasShipment).map(trackingNumberFor);
        const found = await lookupShipments(numbers, ctx);
        return orders.map((order) => {
          if (!hasShipment(order)) return null;
          const lookup = found.get(trackingNumberFor(order));
          return lookup?.state === 'found' ? lookup.shipment : null;
        });
      },
    },
  },
  events: {
    'order.status_changed': async (event, ctx) => {
      const { from, to } = event.payload;
      ctx.log.info(`order ${event.subjectId} went from ${String(from)} to ${String(to)}`, { orderId: event.subjectId, from: String(from), to: String(to) });
      // A new order status usually means news from the carrier: forget the cached answer.
      const order = await ctx.orders.get(event.subjectId);
      if (order && hasShipment(order)) await ctx.storage.delete(cacheKey(trackingNumberFor(order)));
    },
  },
  actions: {
    refreshTracking: async (input, ctx) => {
      const orderId = (input as { orderId?: unknown } | null)?.orderId;
      if (typeof orderId !== 'string') return { message: 'Nothing to refresh: no order given.' };
      return refresh(await ctx.orders.get(orderId), ctx);
    },
  },
  widgets: [
    {
      id: 'shipment',
      extensionPoint: 'console.order.sidebar',
      title: 'Shipment',
      render: renderShipmentCard,
    },
  ],
});

async function refresh(order: Order | null, ctx: PluginContext<Config>): Promise<{ message: string }> {
  if (!order) return { message: 'That order no longer exists.' };
  if (!hasShipment(order)) return { message: `Order ${order.orderNumber} has not shipped yet.` };
  const trackingNumber = trackingNumberFor(order);
  await ctx.storage.delete(cacheKey(trackingNumber));
  const lookup = (await lookupShipments([trackingNumber], ctx)).get(trackingNumber);
  if (lookup?.state === 'found') return { message: `Tracking refreshed: ${statusLabel(lookup.shipment.status)}.` };
  return { message: lookup?.state === 'unknown' ? `The carrier has no parcel ${trackingNumber} yet.` : 'The carrier could not be reached; try again later.' };
}
