import { definePlugin, graphql, UserInputError } from '@mosaic/sdk';
import { config } from './config.js';
import { startTracking } from './fulfilment.js';
import { historiesOf } from './history.js';
import { lookupParcels, type ShipmentView } from './lookup.js';
import { schema } from './schema.js';
import { parcelKey, pathOf } from './shipment.js';
import { ATTACHED_STORAGE_INPUTS } from './attachments.js';
import { ORDER_SUMMARIES_STORAGE_INPUT } from './store.js';
import { checkedRef, linkParcels, shipmentSummariesOfOrders } from './tracking.js';
import { handleCarrierWebhook } from './webhook.js';
import { renderShipmentsCard, renderWhereIsMyOrder, ShipmentsCardInput } from './widgets.js';

/**
 * Shipment tracking, Mosaic's own, written exactly as a third party writes a plugin: only
 * @mosaic/sdk and zod. Orders and customers get their parcels from two carriers (Parcelly and
 * ShipFast, egress to their hosts only, API keys filled in by the host), carrier pushes arrive on
 * a signed webhook, and a delay, failed delivery or loss puts one proactive note on the
 * customer's timeline.
 */

/** How long the host may give a warm Order.shipments answer again (resultCache). */
const RESULT_MAX_AGE_SECONDS = 30;

/** Orders of one request level whose parcels Customer.activeShipments looks at, at most. */
const MAX_ORDERS = 25;

/** A single parcel goes out whole; the list fields send summaries (see history.ts). */
const toGraphQL = (s: ShipmentView) => ({ ...s, path: pathOf(s) });

export default definePlugin({
  manifest: {
    id: 'mosaic.shipment-tracking',
    version: '0.1.0',
    name: 'Shipment tracking',
    publisher: 'mosaic',
    description: 'Where each order\'s parcels are (Parcelly and ShipFast), on the order, the customer and the portal, with a proactive note to the customer when a parcel is delayed, cannot be delivered or is lost.',
    scopes: ['orders:read', 'customers:read', 'interactions:write', 'storage'],
    egress: ['parcelly.carrier.test', 'shipfast.carrier.test'],
    secrets: [
      { name: 'PARCELLY_TOKEN', description: 'Bearer token for Parcelly\'s tracking API' },
      { name: 'SHIPFAST_API_KEY', description: 'X-Api-Key for ShipFast\'s tracking API' },
      { name: 'CARRIER_WEBHOOK_SECRET', description: 'Shared secret the carriers sign their status webhooks with' },
    ],
    webhooks: [{ name: 'carrier-status', secret: 'CARRIER_WEBHOOK_SECRET', description: 'Status pushes from Parcelly and ShipFast' }],
  },
  config,
  schema,
  inputs: {
    Order: {
      mosaic_shipmentTracking_shipments: graphql(`fragment ShipmentTrackingOrderInput on Order { id orderNumber orderStatus }`),
    },
    Customer: {
      // The customer's recent orders: their parcels are the active shipments, once delivered ones are left out.
      mosaic_shipmentTracking_activeShipments: graphql(`fragment ShipmentTrackingCustomerInput on Customer {
        id
        orders(first: 10) { edges { node { id orderNumber orderStatus } } }
      }`),
    },
  },
  // The order's parcel list and those parcels' summaries arrive with the call: no host call while they are fresh.
  storageInputs: { Order: { mosaic_shipmentTracking_shipments: [...ATTACHED_STORAGE_INPUTS, ORDER_SUMMARIES_STORAGE_INPUT] } },
  // A warm answer (every parcel fresh in storage, no carrier asked) may be given again for 30 s:
  // a parcel's news then shows up to 30 s after its freshness window, never a wrong parcel.
  resultCache: { Order: { mosaic_shipmentTracking_shipments: { maxAgeSeconds: RESULT_MAX_AGE_SECONDS } } },
  resolvers: {
    Order: {
      // One call for every order of the response level: one lookup, ShipFast asked in batches.
      mosaic_shipmentTracking_shipments: async (orders, _args, ctx) => shipmentSummariesOfOrders(orders, ctx),
    },
    Customer: {
      mosaic_shipmentTracking_activeShipments: async (customers, _args, ctx) => {
        const orders = customers.map((c) => c.orders.edges.map((e) => e.node));
        const flat = orders.flat().slice(0, MAX_ORDERS);
        const lists = await shipmentSummariesOfOrders(flat, ctx);
        const byOrder = new Map(flat.map((o, i) => [o.id, lists[i] ?? []]));
        return orders.map((list) => list.flatMap((o) => byOrder.get(o.id) ?? []).filter((s) => s.status !== 'DELIVERED'));
      },
    },
    // The histories, read only when a query selects them: one call for every shipment of the level.
    Mosaic_ShipmentTracking_Shipment: {
      events: async (shipments, _args, ctx) => historiesOf(shipments as object[], ctx),
      path: async (shipments, _args, ctx) => (await historiesOf(shipments as object[], ctx)).map((events) => pathOf({ events })),
    },
    Query: {
      mosaic_shipmentTracking_track: async (_roots, args, ctx) => {
        const ref = checkedRef(args.carrier, args.trackingNumber);
        const view = (await lookupParcels([ref], ctx)).get(parcelKey(ref))!;
        return [toGraphQL(view)];
      },
    },
    Mutation: {
      mosaic_shipmentTracking_attachTrackingNumber: async (_roots, args, ctx) => {
        const input = (args.input ?? {}) as { orderId?: unknown; carrier?: unknown; trackingNumber?: unknown };
        const ref = checkedRef(input.carrier, input.trackingNumber);
        const order = typeof input.orderId === 'string' ? await ctx.orders.get(input.orderId) : null;
        if (!order) throw new UserInputError('orderId: no order with this id');
        await linkParcels(order, ref, ctx);
        const view = (await lookupParcels([ref], ctx, { force: true })).get(parcelKey(ref))!;
        return [toGraphQL(view)];
      },
    },
  },
  events: {
    'order.status_changed': async (event, ctx) => {
      if (event.payload.to === 'SHIPPED') await startTracking(event.subjectId, ctx);
    },
    // An order recorded as shipped from the start (an import, a shop that syncs late) ships too.
    'order.created': async (event, ctx) => {
      await startTracking(event.subjectId, ctx, { onlyIf: 'SHIPPED' });
    },
  },
  webhooks: {
    'carrier-status': handleCarrierWebhook,
  },
  widgets: [
    { id: 'where-is-my-order', extensionPoint: 'portal.order.detail', title: 'Where is my order?', render: renderWhereIsMyOrder },
    { id: 'shipments', extensionPoint: 'console.customer.sidebar', title: 'Shipments', input: ShipmentsCardInput, render: renderShipmentsCard },
  ],
});

