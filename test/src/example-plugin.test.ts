import { lookup as dnsLookup } from 'node:dns/promises';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCarrierService, shipmentFor, type CarrierService } from '@mosaic/example-carrier';
import { buildPlugin } from '@mosaic/sdk/build';
import { createTenant, openPlatform, serverConfigFromEnv, startServer, type Platform, type RunningServer } from '@mosaic/core';
import { createPublisher } from '../../core/src/plugins/registry/index.js';
import { signVersion, signingPayload } from '../../core/src/plugins/registry/signing.js';
import { graphqlClient, type Client } from './harness.js';

const PLUGIN_DIR = fileURLToPath(new URL('../../examples/shipment-tracking-plugin/', import.meta.url));
const CARRIER_HOST = 'carrier.example.test';
const TOKEN = 'carrier-secret-token';

describe('the example shipment-tracking plugin, from build to a tenant\'s orders', () => {
  let dir: string;
  let out: string;
  let carrier: CarrierService;
  let platform: Platform;
  let server: RunningServer;
  let a: Client;
  let b: Client;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mosaic-example-plugin-'));
    out = mkdtempSync(join(tmpdir(), 'mosaic-example-build-'));
    carrier = await startCarrierService({ token: TOKEN });
    const config = serverConfigFromEnv({ ...process.env, MOSAIC_DATA_DIR: dir, PORT: '0', MOSAIC_EGRESS_ALLOW_PRIVATE_HOSTS: CARRIER_HOST });
    // The operator maps the carrier's name to the local simulation (as /etc/hosts would).
    config.plugins.egress.lookup = async (host) => (host === CARRIER_HOST ? [{ address: '127.0.0.1', family: 4 }] : dnsLookup(host, { all: true }));
    platform = await openPlatform(config);
    server = await startServer(platform);
    a = graphqlClient(server.url, (await createTenant(platform.control.db, platform.tenants, { slug: 'shop-a' })).apiKey);
    b = graphqlClient(server.url, (await createTenant(platform.control.db, platform.tenants, { slug: 'shop-b' })).apiKey);
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await platform?.close();
    await carrier?.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it('builds, publishes signed, installs with consent, and serves carrier data on tenant A\'s orders only', async () => {
    const built = await buildPlugin(PLUGIN_DIR, { outDir: out });
    const manifest = readFileSync(built.manifestFile, 'utf8');
    const bundle = readFileSync(built.pluginFile, 'utf8');
    const { publisher, privateKeyPem } = await createPublisher(platform.control.db, { handle: 'example' });
    const signature = signVersion(privateKeyPem, signingPayload({ pluginId: built.manifest.id, version: built.manifest.version, manifest, bundle }));
    const published = await a.gql(`mutation($i: PublishPluginVersionInput!) { publishPluginVersion(input: $i) { version { pluginId scopes egress } } }`,
      { i: { publisherId: publisher.id, manifest, bundle, signature } });
    expect(published.data?.publishPluginVersion.version).toEqual({ pluginId: 'example.shipment-tracking', scopes: ['orders:read', 'storage'], egress: [CARRIER_HOST] });

    const install = (grantEgress: string[]) => a.gql(`mutation($i: InstallPluginInput!) { installPlugin(input: $i) { installation { status } } }`, {
      i: {
        pluginId: 'example.shipment-tracking', grantScopes: ['orders:read', 'storage'], grantEgress,
        config: { carrierBaseUrl: `http://${CARRIER_HOST}:${carrier.port}` }, secrets: [{ name: 'CARRIER_TOKEN', value: TOKEN }],
      },
    });
    expect((await install([])).errors?.[0]?.extensions?.code).toBe('CONSENT_REQUIRED');
    expect((await install([CARRIER_HOST])).data?.installPlugin.installation.status).toBe('ACTIVE');

    const customer = await a.gql(`mutation { createCustomer(input: { name: "Ada" }) { customer { id } } }`);
    const customerId = customer.data!.createCustomer.customer.id;
    // Only shipped orders have a parcel to track.
    for (const number of ['ORD-1001', 'ORD-1002']) {
      await a.gql(`mutation($i: CreateOrderInput!) { createOrder(input: $i) { order { id } } }`,
        { i: { customerId, number, status: 'SHIPPED', currency: 'EUR', lines: [{ sku: 'BOOT', name: 'Boots', quantity: 1, unitPriceCents: 9900 }] } });
    }
    const res = await a.gql(`query($id: ID!) { customer(id: $id) { orders(first: 5) { edges { node { orderNumber
      example_shipmentTracking_shipment { trackingNumber status events { status } } } } } } }`, { id: customerId });
    expect(res.errors).toBeUndefined();
    const shipments = res.data!.customer.orders.edges.map((e: any) => e.node).sort((x: any, y: any) => x.orderNumber.localeCompare(y.orderNumber));
    for (const { orderNumber, example_shipmentTracking_shipment: shipment } of shipments) {
      const expected = shipmentFor(`MC${orderNumber.replace(/[^A-Z0-9]/g, '')}`);
      expect(shipment.trackingNumber).toBe(expected.trackingNumber);
      expect(shipment.status).toBe(expected.status);
      expect(shipment.events.map((e: any) => e.status)).toEqual(expected.events.map((e) => e.status));
    }
    // The host sent the secret on the plugin's behalf; the plugin never held it.
    expect(carrier.requests.length).toBeGreaterThanOrEqual(2);
    expect(carrier.requests.every((r) => r.authorized)).toBe(true);
    expect(JSON.stringify(res)).not.toContain(TOKEN);

    const other = await b.gql(`{ orders(first: 1) { edges { node { example_shipmentTracking_shipment { status } } } } }`);
    expect(other.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    const removed = await a.gql(`mutation { uninstallPlugin(pluginId: "example.shipment-tracking") { installation { status } } }`);
    expect(removed.data?.uninstallPlugin.installation.status).toBe('UNINSTALLED');
    const after = await a.gql(`{ orders(first: 1) { edges { node { example_shipmentTracking_shipment { status } } } } }`);
    expect(after.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
