// What the demo tenant's installation of each first-party plugin gets: its config, its secrets and
// what runs once (seed) or at every start (onStart). Kept in one place; a plugin in plugins/* with
// no entry here is still built, published and installed, with its defaults and every grant it asks.
import { DEMO_CARRIER_CREDENTIALS, SIMULATED_HOSTS } from './simulators.mjs';

/** The secret the carrier simulator signs its status webhooks with; the installation gets the same. */
const DEMO_WEBHOOK_SECRET = 'demo-carrier-webhook-secret';

/**
 * One order per tracking state, so every state is on screen: the carrier simulator's scenarios
 * under fixed numbers (registered again at every start, since the simulator keeps them in memory).
 */
export const DEMO_SHIPMENTS = [
  { carrier: 'parcelly', scenario: 'on-time', trackingNumber: 'PYDEMO0000000001', ageHours: 10 },
  { carrier: 'shipfast', scenario: 'delayed', trackingNumber: 'SF2030000000000002', ageHours: 24 },
  { carrier: 'parcelly', scenario: 'delivered', trackingNumber: 'PYDEMO0000000003' },
  { carrier: 'shipfast', scenario: 'lost', trackingNumber: 'SF2030000000000004', ageHours: 200 },
  { carrier: 'parcelly', scenario: 'exception', trackingNumber: 'PYDEMO0000000005', ageHours: 48 },
];

/** Where the demo business serves customers from (the seeded addresses are in these cities). */
const SERVICE_LOCATIONS = [
  { name: 'Berlin store', lat: 52.52, lon: 13.405 },
  { name: 'Paris store', lat: 48.8566, lon: 2.3522 },
  { name: 'Rotterdam depot', lat: 51.9244, lon: 4.4777 },
  { name: 'New York store', lat: 40.7128, lon: -74.006 },
  { name: 'Oakland depot', lat: 37.8044, lon: -122.2712 },
  { name: 'Sydney store', lat: -33.8688, lon: 151.2093 },
  { name: 'Tokyo store', lat: 35.6762, lon: 139.6503 },
  { name: 'São Paulo depot', lat: -23.5505, lon: -46.6333 },
];

/**
 * @typedef {{ carrier: import('@mosaic/example-carrier').CarrierService, geocoder: { port: number } }} Simulators
 * @typedef {{ graphql: (query: string, variables?: object) => Promise<any>, simulators: Simulators, serverUrl: string, installation: any, log: (line: string) => void }} DemoContext
 */

/** @type {Record<string, { config(s: Simulators): object, secrets(s: Simulators, manifest: any): Record<string, string>, onStart?(ctx: DemoContext): Promise<void>, seed?(ctx: DemoContext): Promise<unknown> }>} */
export const DEMO_PLUGINS = {
  'mosaic.maps': {
    config: ({ geocoder }) => ({ geocoderBaseUrl: `http://${SIMULATED_HOSTS.geocoder}:${geocoder.port}`, serviceLocations: SERVICE_LOCATIONS }),
    secrets: () => ({}),
  },
  'mosaic.shipment-tracking': {
    config: ({ carrier }) => ({
      parcellyBaseUrl: `http://${SIMULATED_HOSTS.parcelly}:${carrier.port}`,
      shipfastBaseUrl: `http://${SIMULATED_HOSTS.shipfast}:${carrier.port}`,
      // The simulated clock runs fast in the demo; ask the carrier again after half a minute.
      freshnessSeconds: 30,
    }),
    secrets: (_simulators, manifest) => ({
      PARCELLY_TOKEN: DEMO_CARRIER_CREDENTIALS.parcellyToken,
      SHIPFAST_API_KEY: DEMO_CARRIER_CREDENTIALS.shipfastKey,
      // Whatever the plugin names its webhooks' secrets, the simulator signs with this one.
      ...Object.fromEntries(manifest.webhooks.map((w) => [w.secret, DEMO_WEBHOOK_SECRET])),
    }),
    async onStart({ simulators, serverUrl, installation, log }) {
      for (const shipment of DEMO_SHIPMENTS) {
        try {
          simulators.carrier.register(shipment);
        } catch (e) {
          log(`carrier simulator refused demo shipment ${shipment.trackingNumber}: ${e.message}`);
        }
      }
      // The carrier pushes status changes to the installation's inbound webhook.
      for (const path of installation.webhookPaths) simulators.carrier.subscribe({ url: `${serverUrl}${path}`, secret: DEMO_WEBHOOK_SECRET });
    },
    async seed({ graphql, portalCustomerEmail, log }) {
      const orders = await demoOrders(graphql, DEMO_SHIPMENTS.length, portalCustomerEmail);
      const attached = [];
      for (const [i, shipment] of DEMO_SHIPMENTS.entries()) {
        const order = orders[i];
        if (!order) break;
        const input = { orderId: order.id, carrier: shipment.carrier.toUpperCase(), trackingNumber: shipment.trackingNumber };
        // Again after a start that stopped before noting the seed: the plugin lists a number once.
        await graphql(ATTACH, { input }).catch((e) => {
          throw new Error(`attaching ${shipment.trackingNumber} to ${order.orderNumber}: ${e.message}`);
        });
        attached.push({ orderId: order.id, orderNumber: order.orderNumber, scenario: shipment.scenario, ...input });
      }
      log(`orders with a parcel in each state: ${attached.map((a) => `${a.orderNumber} ${a.scenario}`).join(', ')}`);
      return attached;
    },
  },
};

const ATTACH = `mutation Attach($input: Mosaic_ShipmentTracking_AttachTrackingNumberInput!) {
  mosaic_shipmentTracking_attachTrackingNumber(input: $input) { status }
}`;

/**
 * Shipped orders of distinct customers with an address (so each parcel also has a place on the
 * map), the portal's demo customer first: signed in, they see a parcel on their order page.
 */
async function demoOrders(graphql, n, portalCustomerEmail) {
  const data = await graphql(`query DemoOrders($email: String, $withMine: Boolean!) {
    orders(first: 100, filter: { status: SHIPPED }) { edges { node { ...Shipped } } }
    customers(first: 1, filter: { email: $email }) @include(if: $withMine) { edges { node { orders(first: 20) { edges { node { ...Shipped } } } } } }
  }
  fragment Shipped on Order { id orderNumber orderStatus customer { id address { city } } }`, { email: portalCustomerEmail, withMine: Boolean(portalCustomerEmail) });
  const mine = (data.customers?.edges[0]?.node.orders.edges ?? []).map((e) => e.node).filter((o) => o.orderStatus === 'SHIPPED');
  const seen = new Set();
  return [...mine.slice(0, 1), ...data.orders.edges.map((e) => e.node)]
    .filter((o) => o.customer.address && !seen.has(o.customer.id) && seen.add(o.customer.id))
    .slice(0, n);
}
