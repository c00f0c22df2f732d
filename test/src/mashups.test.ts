import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCarrierService, type CarrierService, type Journey } from '@mosaic/example-carrier';
import { KNOWN_CITIES, loadGazetteer, startGeocoderService, type GeocoderService } from '@mosaic/example-geocoder';
import { answer, codes, startTestPlatform, type Client, type TestPlatform } from './harness.js';
import { publishBuiltPlugins } from './publish-built-plugin.js';

const PLUGINS = ['shipment-tracking', 'maps'].map((name) => fileURLToPath(new URL(`../../plugins/${name}/`, import.meta.url)));
const CARRIER_HOSTS = ['parcelly.carrier.test', 'shipfast.carrier.test'];
const GEOCODER_HOST = 'geocoder.maps.test';
const TOKEN = 'mashup-parcelly-token';
const city = (name: string) => KNOWN_CITIES.find((c) => c.name === name)!;

type Tenant = Client & { tenantId: string };

/** What differs between the two tenants' installations. */
interface Setup {
  shipfastKey: string;
  webhookSecret: string;
  freshnessSeconds: number;
  serviceLocations: Array<{ name: string; lat: number; lon: number }>;
}

const SHIPMENT = `carrier trackingNumber status eta stale syncError { code retryAfterSeconds }
  lastLocation { name lat lon } path { lat lon } events { at status description location { name } }`;
// The 360 query: core's customer and orders with both plugins' fields, the route composed from shipment tracking's.
const CUSTOMER_360 = `query($id: ID!) { customer(id: $id) {
  name
  mosaic_maps_location { lat lon precision }
  mosaic_maps_nearestServiceLocations(first: 1) { name distanceKm }
  timeline(first: 20) { edges { kind node { ... on Interaction { direction subject body } } } }
  orders(first: 5) { edges { node { id orderNumber orderStatus
    mosaic_shipmentTracking_shipments { ${SHIPMENT} }
    mosaic_maps_route { markers { kind status lat lon } path { lat lon } }
  } } }
} }`;

// Both first-party plugins as a third party ships them, in two tenants of one server, against the
// simulated carriers and geocoder on loopback: the mash-ups composing through the schema, the
// carrier's pushes noted once, its failures answered with last-known data, and tenants kept apart.
describe('the shipment-tracking and maps mash-ups, end to end', () => {
  let carrier: CarrierService;
  let geocoder: GeocoderService;
  let mosaic: TestPlatform;
  let out: string;
  let t = Date.now();
  let north: Tenant;
  let south: Tenant;
  const a = { customerId: '', orderId: '', parcel: undefined as unknown as Journey };

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'mosaic-mashups-build-'));
    [carrier, geocoder] = await Promise.all([
      // Every event is pushed twice; ShipFast meters each key (the 429 below is the tenant's own window).
      startCarrierService({ token: TOKEN, shipfastKeys: ['north-key', 'south-key'], now: () => new Date(t), tickMs: 0, webhookDuplicates: 'always', rateLimit: { limit: 60, windowSeconds: 600 } }),
      startGeocoderService({ gazetteer: loadGazetteer(), rateLimit: false }),
    ]);
    mosaic = await startTestPlatform({ MOSAIC_EGRESS_DEV_HOSTS: [...CARRIER_HOSTS, GEOCODER_HOST].map((h) => `${h}=127.0.0.1`).join(',') });
    north = await mosaic.tenant('north');
    south = await mosaic.tenant('south');
    await publishBuiltPlugins(mosaic.platform, north, PLUGINS, out, 'mosaic');

    const webhookPath = await install(north, {
      shipfastKey: 'north-key', webhookSecret: 'north-webhook-secret', freshnessSeconds: 0,
      serviceLocations: [{ name: 'London store', lat: 51.5074, lon: -0.1278 }, { name: 'Berlin depot', lat: 52.52, lon: 13.405 }],
    });
    carrier.subscribe({ url: `${mosaic.server.url}${webhookPath}`, secret: 'north-webhook-secret', carrier: 'shipfast' });
    // The south tenant is not subscribed: the simulator pushes every parcel to every subscriber, which a carrier would not.
    await install(south, {
      shipfastKey: 'south-key', webhookSecret: 'south-webhook-secret', freshnessSeconds: 3600,
      serviceLocations: [{ name: 'Lisbon hub', lat: 38.7223, lon: -9.1393 }],
    });

    a.customerId = (await ok(north, `mutation { createCustomer(input: { name: "Ada", address: { line1: "12 Rue de Rivoli", city: "Paris", postalCode: "75004", country: "FR" } }) { customer { id } } }`)).createCustomer.customer.id;
    a.orderId = (await ok(north, `mutation($i: CreateOrderInput!) { createOrder(input: $i) { order { id } } }`,
      { i: { customerId: a.customerId, number: 'N-1001', status: 'PAID', currency: 'EUR', lines: [{ sku: 'BOOT', name: 'Boots', quantity: 1, unitPriceCents: 9900 }] } })).createOrder.order.id;
    await ok(north, `mutation($id: ID!) { updateOrderStatus(input: { id: $id, status: SHIPPED }) { order { id } } }`, { id: a.orderId });
    a.parcel = carrier.register({ carrier: 'shipfast', scenario: 'delayed' });
    await ok(north, `mutation($i: Mosaic_ShipmentTracking_AttachTrackingNumberInput!) { mosaic_shipmentTracking_attachTrackingNumber(input: $i) { status } }`,
      { i: { orderId: a.orderId, carrier: 'SHIPFAST', trackingNumber: a.parcel.trackingNumber } });

    // The carrier's clock passes the delay; it pushes the news (twice).
    t = a.parcel.events.find((e) => e.milestone === 'delayed')!.at + 60_000;
    await carrier.tick();
  }, 180_000);

  afterAll(async () => {
    await mosaic?.close();
    await Promise.all([carrier?.close(), geocoder?.close()]);
    rmSync(out, { recursive: true, force: true });
  });

  /** Both plugins through the public path, shipment tracking first so the map's @optional input keeps its shipments. */
  async function install(tenant: Tenant, setup: Setup): Promise<string> {
    const tracking = await ok(tenant, `mutation($i: InstallPluginInput!) { installPlugin(input: $i) { installation { webhookPaths } } }`, {
      i: {
        pluginId: 'mosaic.shipment-tracking', grantScopes: ['orders:read', 'customers:read', 'interactions:write', 'storage'], grantEgress: CARRIER_HOSTS,
        config: {
          parcellyBaseUrl: `http://parcelly.carrier.test:${carrier.port}`, shipfastBaseUrl: `http://shipfast.carrier.test:${carrier.port}`,
          freshnessSeconds: setup.freshnessSeconds, deriveTrackingNumbers: false,
        },
        secrets: [{ name: 'PARCELLY_TOKEN', value: TOKEN }, { name: 'SHIPFAST_API_KEY', value: setup.shipfastKey }, { name: 'CARRIER_WEBHOOK_SECRET', value: setup.webhookSecret }],
      },
    });
    await ok(tenant, `mutation($i: InstallPluginInput!) { installPlugin(input: $i) { installation { status } } }`, {
      i: {
        pluginId: 'mosaic.maps', grantScopes: ['customers:read', 'accounts:read', 'orders:read', 'storage'], grantEgress: [GEOCODER_HOST],
        config: { geocoderBaseUrl: `http://${GEOCODER_HOST}:${geocoder.port}`, serviceLocations: setup.serviceLocations },
      },
    });
    return tracking.installPlugin.installation.webhookPaths[0];
  }

  it('one query returns the customer placed on the map, the order, its tracked parcel and the route drawn from it', async () => {
    const customer = await ok(north, CUSTOMER_360, { id: a.customerId }).then((d) => d.customer);
    expect(customer.mosaic_maps_location).toEqual({ lat: city('Paris').lat, lon: city('Paris').lon, precision: 'CITY' });
    expect(customer.mosaic_maps_nearestServiceLocations).toEqual([{ name: 'London store', distanceKm: expect.closeTo(343.7, 0) }]);
    const [order] = customer.orders.edges.map((e: { node: unknown }) => e.node);
    expect(order).toMatchObject({ id: a.orderId, orderNumber: 'N-1001', orderStatus: 'SHIPPED' });
    const [shipment, ...more] = order.mosaic_shipmentTracking_shipments;
    expect(more).toEqual([]);
    expect(shipment).toMatchObject({ carrier: 'SHIPFAST', trackingNumber: a.parcel.trackingNumber, status: 'DELAYED', stale: false, syncError: null });
    expect(shipment.events.map((e: { status: string }) => e.status)).toEqual(expect.arrayContaining(['LABEL_CREATED', 'DELAYED']));
    expect(shipment.path.length).toBeGreaterThanOrEqual(2);
    // The maps plugin never calls shipment tracking: its declared input selected the parcel's path through the schema.
    expect(order.mosaic_maps_route.path).toEqual(shipment.path);
    expect(order.mosaic_maps_route.markers).toEqual([
      { kind: 'CUSTOMER', status: null, lat: city('Paris').lat, lon: city('Paris').lon },
      { kind: 'SHIPMENT', status: 'DELAYED', lat: shipment.lastLocation.lat, lon: shipment.lastLocation.lon },
    ]);
  });

  it('a carrier delay pushed twice gives exactly one proactive interaction on the customer\'s timeline', async () => {
    const pushes = carrier.webhookDeliveries.filter((d) => d.url.startsWith(mosaic.server.url));
    const delayEvents = new Map<string, number>();
    for (const d of pushes) if (d.status === 200) delayEvents.set(d.eventId, (delayEvents.get(d.eventId) ?? 0) + 1);
    // Every event the carrier announced was accepted twice (a deliberate duplicate signed anew).
    expect(pushes.some((d) => d.duplicate && d.status === 200)).toBe(true);
    expect([...delayEvents.values()].every((n) => n === 2)).toBe(true);

    const timeline = (await ok(north, CUSTOMER_360, { id: a.customerId })).customer.timeline.edges;
    expect(timeline.filter((e: { kind: string }) => e.kind === 'INTERACTION').map((e: { node: unknown }) => e.node)).toEqual([
      { direction: 'OUTBOUND', subject: 'Your parcel is delayed (order N-1001)', body: expect.stringContaining(a.parcel.trackingNumber) },
    ]);
  });

  it('a carrier answering 5xx and then 429 gives last-known data with a coded syncError, never a failed query', async () => {
    const shipmentOf = (data: Record<string, any>) => data.customer.orders.edges[0].node.mosaic_shipmentTracking_shipments[0];
    carrier.failNext(20, 503);
    const down = await ok(north, CUSTOMER_360, { id: a.customerId });
    expect(shipmentOf(down)).toMatchObject({ status: 'DELAYED', stale: true, syncError: { code: 'CARRIER_UNAVAILABLE', retryAfterSeconds: null } });
    expect(down.customer.orders.edges[0].node.mosaic_maps_route.path.length).toBeGreaterThanOrEqual(2);

    // The rest of the forced failures used up, then the north key's window: the carrier answers 429 with Retry-After.
    let answered = false;
    let last = 0;
    for (let i = 0; i < 100 && !(answered && last === 429); i++) {
      last = (await fetch(`${carrier.url}/api/track`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'north-key' }, body: JSON.stringify({ numbers: [a.parcel.trackingNumber] }) })).status;
      answered ||= last === 200;
    }
    expect(last).toBe(429);
    const limited = await ok(north, CUSTOMER_360, { id: a.customerId });
    expect(shipmentOf(limited)).toMatchObject({ status: 'DELAYED', stale: true, syncError: { code: 'CARRIER_RATE_LIMITED', retryAfterSeconds: expect.any(Number) } });
    expect(shipmentOf(limited).syncError.retryAfterSeconds).toBeGreaterThan(0);
    expect(limited.customer.timeline.edges.filter((e: { kind: string }) => e.kind === 'INTERACTION')).toHaveLength(1);
  });

  it('a second tenant with other config sees its own data only, and the two installations\' storage stays apart', async () => {
    const bo = (await ok(south, `mutation { createCustomer(input: { name: "Bo", address: { line1: "Carrer de Mallorca 401", city: "Barcelona", postalCode: "08013", country: "ES" } }) { customer { id } } }`)).createCustomer.customer.id;
    const order = (await ok(south, `mutation($i: CreateOrderInput!) { createOrder(input: $i) { order { id } } }`,
      { i: { customerId: bo, number: 'S-1', status: 'SHIPPED', currency: 'EUR', lines: [{ sku: 'HAT', name: 'Hat', quantity: 1, unitPriceCents: 2500 }] } })).createOrder.order.id;
    const parcel = carrier.register({ carrier: 'shipfast', scenario: 'on-time' });
    await ok(south, `mutation($i: Mosaic_ShipmentTracking_AttachTrackingNumberInput!) { mosaic_shipmentTracking_attachTrackingNumber(input: $i) { status } }`,
      { i: { orderId: order, carrier: 'SHIPFAST', trackingNumber: parcel.trackingNumber } });

    // South's own config (service locations), its own key (north's 429 window is not south's), nothing of north's.
    const customer = (await ok(south, CUSTOMER_360, { id: bo })).customer;
    expect(customer.mosaic_maps_location).toMatchObject({ lat: city('Barcelona').lat, lon: city('Barcelona').lon });
    expect(customer.mosaic_maps_nearestServiceLocations).toEqual([{ name: 'Lisbon hub', distanceKm: expect.any(Number) }]);
    expect(customer.timeline.edges.filter((e: { kind: string }) => e.kind === 'INTERACTION')).toEqual([]);
    expect(customer.orders.edges[0].node.mosaic_shipmentTracking_shipments).toEqual([
      expect.objectContaining({ trackingNumber: parcel.trackingNumber, stale: false, syncError: null }),
    ]);
    const everything = await ok(south, `{ customers(first: 10) { edges { node { id } } } orders(first: 10) { edges { node { id } } } interactions(first: 10) { edges { node { id } } } }`);
    expect(everything).toEqual({ customers: { edges: [{ node: { id: bo } }] }, orders: { edges: [{ node: { id: order } }] }, interactions: { edges: [] } });

    // North's ids, asked with south's key: not found, and no plugin field reaches north's data.
    const foreign = await south.gql(`query($c: ID!, $o: ID!) {
      customer(id: $c) { mosaic_maps_location { lat } }
      order(id: $o) { mosaic_shipmentTracking_shipments { trackingNumber } mosaic_maps_route { path { lat } } }
    }`, { c: a.customerId, o: a.orderId });
    expect(foreign.data).toEqual({ customer: null, order: null });
    expect(codes(foreign)).toEqual(['NOT_FOUND', 'NOT_FOUND']);
    // A plugin can only refuse with BAD_USER_INPUT (the SDK has no NOT_FOUND); north's order is refused exactly like one that never existed.
    const attachTo = (orderId: string) => south.gql(`mutation($i: Mosaic_ShipmentTracking_AttachTrackingNumberInput!) { mosaic_shipmentTracking_attachTrackingNumber(input: $i) { status } }`,
      { i: { orderId, carrier: 'SHIPFAST', trackingNumber: a.parcel.trackingNumber } });
    const [foreignAttach, missingAttach] = await Promise.all([attachTo(a.orderId), attachTo(Buffer.from(`Order:${randomUUID()}`).toString('base64url'))]);
    expect(foreignAttach.data).toEqual({ mosaic_shipmentTracking_attachTrackingNumber: null });
    expect(codes(foreignAttach)).toEqual(['BAD_USER_INPUT']);
    expect(answer(foreignAttach)).toEqual(answer(missingAttach));

    const northKeys = await storageKeys(north.tenantId);
    const southKeys = await storageKeys(south.tenantId);
    const northIds = [a.customerId, a.orderId, a.parcel.trackingNumber, 'rivoli'].map((s) => s.toLowerCase());
    expect(northKeys.filter((k) => northIds.some((id) => k.toLowerCase().includes(id))).length).toBeGreaterThanOrEqual(3);
    expect(southKeys.length).toBeGreaterThan(0);
    // Apart from shipment tracking's one fixed bookkeeping key (its attachments are indexed by order), no key in common.
    expect(southKeys.filter((k) => northKeys.includes(k) && k !== 'mosaic.shipment-tracking:attachments:indexed')).toEqual([]);
    expect(southKeys.filter((k) => northIds.some((id) => k.toLowerCase().includes(id)))).toEqual([]);
  });

  /** `plugin:key` for every entry of both plugins in a tenant's own database. */
  async function storageKeys(tenantId: string): Promise<string[]> {
    const { client } = await mosaic.platform.tenants.get(tenantId);
    const rs = await client.execute('select plugin_id, key from plugin_storage order by plugin_id, key');
    return rs.rows.map((r) => `${String(r[0])}:${String(r[1])}`);
  }
});

/** The data of a request that must succeed; its errors otherwise. */
async function ok(client: Client, query: string, variables?: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await client.gql(query, variables);
  expect(res.errors).toBeUndefined();
  return res.data!;
}
