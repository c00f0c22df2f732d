import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCarrierService, type CarrierService } from '@mosaic/example-carrier';
import { startTestPlatform, type Client, type TestPlatform } from './harness.js';
import { publishBuiltPlugin } from './publish-built-plugin.js';

const PLUGIN_DIR = fileURLToPath(new URL('../../plugins/shipment-tracking/', import.meta.url));
const HOSTS = ['parcelly.carrier.test', 'shipfast.carrier.test'];
const SCOPES = ['orders:read', 'customers:read', 'interactions:write', 'storage'];
const TOKEN = 'http-parcelly-token';
const KEY = 'http-shipfast-key';
const WEBHOOK_SECRET = 'http-carrier-webhook-secret';

// The shipment-tracking plugin alone, from its build to a tenant's data over HTTP, against the
// carrier simulator on loopback: what the harness cannot show (core's declared-input resolution
// of the customer's orders, the outbox delivering order.status_changed, the host's signature
// check on the carrier's webhooks, the installation's idempotency keys).
describe('the shipment-tracking plugin, published and installed, against the simulated carriers', () => {
  let out: string;
  let carrier: CarrierService;
  let test: TestPlatform;
  let shop: Client;
  let t = Date.now();

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'mosaic-tracking-build-'));
    carrier = await startCarrierService({ token: TOKEN, shipfastKeys: [KEY], now: () => new Date(t), tickMs: 0, webhookDuplicates: 'always', rateLimit: false });
    test = await startTestPlatform({ MOSAIC_EGRESS_DEV_HOSTS: HOSTS.map((h) => `${h}=127.0.0.1`).join(',') });
    shop = await test.tenant('shop');
    await publishBuiltPlugin(test.platform, shop, PLUGIN_DIR, out, 'mosaic');
  }, 120_000);

  afterAll(async () => {
    await test?.close();
    await carrier?.close();
    rmSync(out, { recursive: true, force: true });
  });

  const SHIPMENT = 'carrier trackingNumber status eta stale syncError { code retryAfterSeconds } lastLocation { name lat lon } path { lat lon } events { status description }';

  it('tracks a fulfilled order, notes a pushed delay once though delivered twice, and degrades to last known when the carrier fails', async () => {
    const installed = await shop.gql(`mutation($i: InstallPluginInput!) { installPlugin(input: $i) { installation { status webhookPaths } } }`, {
      i: {
        pluginId: 'mosaic.shipment-tracking', grantScopes: SCOPES, grantEgress: HOSTS,
        // Every read asks the carrier, so the failure below is met by a request.
        config: { parcellyBaseUrl: `http://parcelly.carrier.test:${carrier.port}`, shipfastBaseUrl: `http://shipfast.carrier.test:${carrier.port}`, freshnessSeconds: 0 },
        secrets: [{ name: 'PARCELLY_TOKEN', value: TOKEN }, { name: 'SHIPFAST_API_KEY', value: KEY }, { name: 'CARRIER_WEBHOOK_SECRET', value: WEBHOOK_SECRET }],
      },
    });
    expect(installed.errors).toBeUndefined();
    const [webhookPath] = installed.data!.installPlugin.installation.webhookPaths as string[];
    expect(webhookPath).toMatch(/\/webhooks\/.+\/carrier-status$/);
    carrier.subscribe({ url: `${test.server.url}${webhookPath}`, secret: WEBHOOK_SECRET });

    const created = await shop.gql(`mutation { createCustomer(input: { name: "Ada" }) { customer { id } } }`);
    const customerId = created.data!.createCustomer.customer.id as string;
    const order = await shop.gql(`mutation($i: CreateOrderInput!) { createOrder(input: $i) { order { id } } }`,
      { i: { customerId, number: 'ORD-7001', status: 'PAID', currency: 'EUR', lines: [{ sku: 'BOOT', name: 'Boots', quantity: 1, unitPriceCents: 9900 }] } });
    const orderId = order.data!.createOrder.order.id as string;

    // Fulfilment: the plugin starts tracking the number printed from the order number.
    const shipped = await shop.gql(`mutation($id: ID!) { updateOrderStatus(input: { id: $id, status: SHIPPED }) { order { id } } }`, { id: orderId });
    expect(shipped.errors).toBeUndefined();
    await expect.poll(() => carrier.requests.some((r) => r.path === '/v1/shipments/MCORD7001' && r.status === 200), { timeout: 30_000, interval: 200 }).toBe(true);

    // A ShipFast parcel attached by hand, on its way and about to be held at a hub.
    const journey = carrier.register({ carrier: 'shipfast', scenario: 'delayed' });
    const attached = await shop.gql(`mutation($i: Mosaic_ShipmentTracking_AttachTrackingNumberInput!) { mosaic_shipmentTracking_attachTrackingNumber(input: $i) { ${SHIPMENT} } }`,
      { i: { orderId, carrier: 'SHIPFAST', trackingNumber: journey.trackingNumber } });
    expect(attached.errors).toBeUndefined();
    expect(attached.data!.mosaic_shipmentTracking_attachTrackingNumber).toMatchObject({ carrier: 'SHIPFAST', status: 'LABEL_CREATED', stale: false });

    // The carrier's clock passes the delay; its webhook arrives twice (a deliberate duplicate).
    t = journey.events.find((e) => e.milestone === 'delayed')!.at + 60_000;
    const deliveries = await carrier.tick();
    expect(deliveries.filter((d) => d.status === 200).length).toBeGreaterThanOrEqual(2);
    expect(deliveries.some((d) => d.duplicate && d.status === 200)).toBe(true);

    type Note = { direction: string; subject: string; body: string };
    const notes = async (): Promise<Note[]> => (await shop.gql(`query($id: ID!) { customer(id: $id) { interactions(first: 20) { edges { node { direction subject body } } } } }`, { id: customerId }))
      .data!.customer.interactions.edges.map((e: { node: Note }) => e.node);
    // The derived MCORD7001 follows a journey of its own (the simulator derives it from the number),
    // which may hit an incident too: each parcel's incident is noted once, whatever the carrier sends.
    const about = (n: string) => (list: Note[]) => list.filter((note) => note.body.includes(n));
    expect(about(journey.trackingNumber)(await notes())).toEqual([
      { direction: 'OUTBOUND', subject: 'Your parcel is delayed (order ORD-7001)', body: expect.stringContaining('New expected delivery') },
    ]);
    const before = await notes();
    expect(new Set(before.map((n) => n.subject + n.body)).size).toBe(before.length);

    const query = `query($id: ID!) { customer(id: $id) {
      mosaic_shipmentTracking_activeShipments { trackingNumber status }
      orders(first: 5) { edges { node { orderNumber mosaic_shipmentTracking_shipments { ${SHIPMENT} } } } }
    } }`;
    const res = await shop.gql(query, { id: customerId });
    expect(res.errors).toBeUndefined();
    const shipments = res.data!.customer.orders.edges[0].node.mosaic_shipmentTracking_shipments;
    // The attached number replaced the one derived at fulfilment.
    expect(shipments).toEqual([
      expect.objectContaining({ carrier: 'SHIPFAST', trackingNumber: journey.trackingNumber, status: 'DELAYED', stale: false, syncError: null }),
    ]);
    expect(res.data!.customer.mosaic_shipmentTracking_activeShipments.map((s: { trackingNumber: string }) => s.trackingNumber))
      .toEqual(shipments.filter((s: { status: string }) => s.status !== 'DELIVERED').map((s: { trackingNumber: string }) => s.trackingNumber));

    // The carrier fails: the query still answers, last known and coded.
    carrier.failNext(10, 503);
    const down = await shop.gql(query, { id: customerId });
    expect(down.errors).toBeUndefined();
    expect(down.data!.customer.orders.edges[0].node.mosaic_shipmentTracking_shipments).toEqual([
      expect.objectContaining({ trackingNumber: journey.trackingNumber, status: 'DELAYED', stale: true, syncError: { code: 'CARRIER_UNAVAILABLE', retryAfterSeconds: null } }),
    ]);
    // Nothing noted again.
    expect(await notes()).toEqual(before);
  });
});
