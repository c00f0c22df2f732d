import { definePlugin, graphql, UserInputError } from '@mosaic/sdk';
import { normaliseAddress } from './address.js';
import { config } from './config.js';
import { nearest } from './geo.js';
import { geocodeAll, locationOf } from './geocoder.js';
import { dropOnAddressChange, geocodeSubjects, subjectStorageInput } from './invalidation.js';
import { buildRoute, readShipments } from './route.js';
import { saveRouteSnapshots } from './route-snapshot.js';
import { schema } from './schema.js';
import { renderCustomerMap, renderOrderMap } from './widgets.js';

/**
 * Maps for Mosaic, written the way a third party writes a plugin: only @mosaic/sdk and zod.
 * Customers and accounts get a location (geocoded from their postal address through a
 * Nominatim-compatible geocoder, cached in the plugin's storage), customers their nearest
 * service locations, and orders a route that shows where shipment tracking last saw the parcel
 * when that plugin is installed: the two meet in the schema, never in each other's code.
 */

const NEAREST_MAX = 50;

export default definePlugin({
  manifest: {
    id: 'mosaic.maps',
    version: '0.1.0',
    name: 'Maps',
    publisher: 'mosaic',
    description: 'Places customers and accounts on a map from their postal address, lists their nearest service locations, and draws each order\'s way to the customer.',
    // orders:read: the route field's input reads its order (a declared input on Order needs it).
    scopes: ['customers:read', 'accounts:read', 'orders:read', 'storage'],
    egress: ['geocoder.maps.test'],
    secrets: [{ name: 'GEOCODER_API_KEY', description: 'API key for the geocoder, sent as x-api-key when sendApiKey is on' }],
  },
  config,
  schema,
  // What each field reads of its parent: the host sends exactly these fields and nothing else.
  inputs: {
    Customer: {
      mosaic_maps_location: graphql(`fragment MapsCustomerLocation on Customer { id address { line1 line2 city region postalCode country } }`),
      mosaic_maps_nearestServiceLocations: graphql(`fragment MapsNearestInput on Customer { id address { line1 line2 city region postalCode country } }`),
    },
    Account: {
      mosaic_maps_location: graphql(`fragment MapsAccountLocation on Account { id address { line1 line2 city region postalCode country } }`),
    },
    Order: {
      mosaic_maps_route: graphql(`fragment MapsRouteInput on Order {
        id
        customer { id name address { line1 line2 city region postalCode country } }
        mosaic_shipmentTracking_shipments @optional { trackingNumber status lastLocation { name lat lon } path { lat lon } }
      }`),
    },
  },
  // Each customer's and account's own copy of its geocode arrives with the call (invalidation.ts).
  storageInputs: {
    Customer: { mosaic_maps_location: subjectStorageInput('Customer'), mosaic_maps_nearestServiceLocations: subjectStorageInput('Customer') },
    Account: { mosaic_maps_location: subjectStorageInput('Account') },
  },
  // A location follows from the address (in the input) and its stored geocode (a storage input),
  // so an answer that needed no geocoder call may be given again while both stay as they are.
  resultCache: {
    Customer: { mosaic_maps_location: { maxAgeSeconds: 300 }, mosaic_maps_nearestServiceLocations: { maxAgeSeconds: 300 } },
    Account: { mosaic_maps_location: { maxAgeSeconds: 300 } },
  },
  resolvers: {
    Customer: {
      // One call for every customer in the response: each distinct address is geocoded once.
      mosaic_maps_location: async (customers, _args, ctx) => {
        const geocodes = await geocodeSubjects('Customer', customers, ctx);
        return customers.map((c) => (c.address ? locationOf(geocodes.get(normaliseAddress(c.address))) : null));
      },
      mosaic_maps_nearestServiceLocations: async (customers, args, ctx) => {
        const first = args.first ?? 3;
        if (typeof first !== 'number' || !Number.isInteger(first) || first < 1 || first > NEAREST_MAX) {
          throw new UserInputError(`first must be a whole number from 1 to ${NEAREST_MAX}`);
        }
        const geocodes = await geocodeSubjects('Customer', customers, ctx);
        return customers.map((c) => {
          const location = c.address ? locationOf(geocodes.get(normaliseAddress(c.address))) : null;
          return location ? nearest(location, ctx.config.serviceLocations, first) : null;
        });
      },
    },
    Account: {
      mosaic_maps_location: async (accounts, _args, ctx) => {
        const geocodes = await geocodeSubjects('Account', accounts, ctx);
        return accounts.map((a) => (a.address ? locationOf(geocodes.get(normaliseAddress(a.address))) : null));
      },
    },
    Order: {
      mosaic_maps_route: async (orders, _args, ctx) => {
        const geocodes = await geocodeAll(orders.map((o) => o.customer.address), ctx);
        // Absent when shipment tracking is not installed: the host drops an @optional field it lacks.
        const shipments = orders.map((o) => readShipments((o as { mosaic_shipmentTracking_shipments?: unknown }).mosaic_shipmentTracking_shipments));
        await saveRouteSnapshots(orders.map((o, i) => ({ orderId: o.id, shipments: shipments[i]! })), ctx);
        return orders.map((o, i) => {
          const address = o.customer.address;
          const location = address ? locationOf(geocodes.get(normaliseAddress(address))) : null;
          return buildRoute({ name: o.customer.name, location }, shipments[i]!);
        });
      },
    },
  },
  events: {
    'customer.updated': dropOnAddressChange('Customer'),
    'account.updated': dropOnAddressChange('Account'),
  },
  widgets: [
    { id: 'customer-map', extensionPoint: 'console.customer.sidebar', title: 'Map', render: renderCustomerMap },
    { id: 'order-map', extensionPoint: 'portal.order.detail', title: 'Delivery map', render: renderOrderMap },
  ],
});
