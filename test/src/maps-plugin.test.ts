import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KNOWN_CITIES, loadGazetteer, startGeocoderService, type GeocoderService } from '@mosaic/example-geocoder';
import { startTestPlatform, type Client, type TestPlatform } from './harness.js';
import { publishBuiltPlugin } from './publish-built-plugin.js';

const PLUGIN_DIR = fileURLToPath(new URL('../../plugins/maps/', import.meta.url));
const GEOCODER_HOST = 'geocoder.maps.test';
const SCOPES = ['customers:read', 'accounts:read', 'orders:read', 'storage'];
const city = (name: string) => KNOWN_CITIES.find((c) => c.name === name)!;

// The maps plugin alone (shipment tracking not installed), from its build to a tenant's data:
// what the harness cannot show, core's own parents (a whole Account) and the @optional field
// dropped by the installer where the other plugin is absent.
describe('the maps plugin, published and installed, against the simulated geocoder', () => {
  let out: string;
  let geocoder: GeocoderService;
  let test: TestPlatform;
  let shop: Client & { tenantId: string };

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'mosaic-maps-build-'));
    geocoder = await startGeocoderService({ gazetteer: loadGazetteer(), rateLimit: false });
    test = await startTestPlatform({ MOSAIC_EGRESS_DEV_HOSTS: `${GEOCODER_HOST}=127.0.0.1` });
    shop = await test.tenant('shop');

    await publishBuiltPlugin(test.platform, shop, PLUGIN_DIR, out, 'mosaic');
  }, 120_000);

  afterAll(async () => {
    await test?.close();
    await geocoder?.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('places customers, accounts and orders, caches by address and geocodes a changed address afresh', async () => {
    const installed = await shop.gql(`mutation($i: InstallPluginInput!) { installPlugin(input: $i) { installation { status } } }`, {
      i: {
        pluginId: 'mosaic.maps', grantScopes: SCOPES, grantEgress: [GEOCODER_HOST],
        config: {
          geocoderBaseUrl: `http://${GEOCODER_HOST}:${geocoder.port}`,
          serviceLocations: [{ name: 'London store', lat: 51.5074, lon: -0.1278 }, { name: 'Berlin depot', lat: 52.52, lon: 13.405 }],
        },
      },
    });
    expect(installed.errors).toBeUndefined();
    expect(installed.data?.installPlugin.installation.status).toBe('ACTIVE');

    const account = await shop.gql(`mutation { createAccount(input: { name: "Acme", address: { line1: "Unter den Linden 1", city: "Berlin", postalCode: "10117", country: "DE" } }) { account { id } } }`);
    const accountId = account.data!.createAccount.account.id;
    const created = await shop.gql(`mutation($a: ID!) { createCustomer(input: { name: "Ada", accountId: $a, address: { line1: "12 Rue de Rivoli", city: "Paris", postalCode: "75004", country: "FR" } }) { customer { id } } }`, { a: accountId });
    const customerId = created.data!.createCustomer.customer.id;
    await shop.gql(`mutation($i: CreateOrderInput!) { createOrder(input: $i) { order { id } } }`,
      { i: { customerId, number: 'ORD-1', status: 'SHIPPED', currency: 'EUR', lines: [{ sku: 'BOOT', name: 'Boots', quantity: 1, unitPriceCents: 9900 }] } });

    const query = `query($id: ID!) { customer(id: $id) {
      mosaic_maps_location { lat lon precision source }
      mosaic_maps_nearestServiceLocations(first: 1) { name distanceKm }
      account { mosaic_maps_location { lat lon precision } }
      orders(first: 5) { edges { node { mosaic_maps_route { markers { kind label lat lon } path { lat lon } bounds { south north } } } } }
    } }`;
    const res = await shop.gql(query, { id: customerId });
    expect(res.errors).toBeUndefined();
    const c = res.data!.customer;
    expect(c.mosaic_maps_location).toEqual({ lat: city('Paris').lat, lon: city('Paris').lon, precision: 'CITY', source: expect.stringContaining('Paris') });
    expect(c.mosaic_maps_nearestServiceLocations).toEqual([{ name: 'London store', distanceKm: expect.closeTo(343.7, 0) }]);
    expect(c.account.mosaic_maps_location).toEqual({ lat: city('Berlin').lat, lon: city('Berlin').lon, precision: 'CITY' });
    // Shipment tracking is not installed: the route's @optional input field was dropped, the customer drawn alone.
    expect(c.orders.edges[0].node.mosaic_maps_route).toMatchObject({
      markers: [{ kind: 'CUSTOMER', label: 'Ada', lat: city('Paris').lat, lon: city('Paris').lon }],
      path: [],
    });
    const searches = () => geocoder.requests.filter((r) => r.path.startsWith('/search')).length;
    // Cold, the three customer-side fields run side by side and may each ask for Paris; Berlin once.
    const cold = searches();
    expect(cold).toBeGreaterThanOrEqual(2);
    expect(cold).toBeLessThanOrEqual(4);

    // Warm: nothing asked again.
    expect((await shop.gql(query, { id: customerId })).data).toEqual(res.data);
    expect(searches()).toBe(cold);

    const parisEntry = 'geocode:12 rue de rivoli||75004|paris||fr';
    expect(await storageKeys()).toEqual(expect.arrayContaining([parisEntry, `subject:Customer:${customerId}`]));

    const moved = await shop.gql(`mutation($id: ID!) { updateCustomer(input: { id: $id, address: { line1: "3 Place Bellecour", city: "Lyon", postalCode: "69002", country: "FR" } }) { customer { id } } }`, { id: customerId });
    expect(moved.errors).toBeUndefined();
    const after = await shop.gql(`query($id: ID!) { customer(id: $id) { mosaic_maps_location { lat lon } } }`, { id: customerId });
    expect(after.data!.customer.mosaic_maps_location).toEqual({ lat: city('Lyon').lat, lon: city('Lyon').lon });
    expect(searches()).toBe(cold + 1);

    // customer.updated naming the address reaches the plugin, which drops the old address's entry.
    await expect.poll(storageKeys, { timeout: 30_000, interval: 200 }).not.toContain(parisEntry);
    expect(await storageKeys()).toContain('geocode:3 place bellecour||69002|lyon||fr');
  });

  async function storageKeys(): Promise<string[]> {
    const { client } = await test.platform.tenants.get(shop.tenantId);
    const rs = await client.execute({ sql: 'select key from plugin_storage where plugin_id = ? order by key', args: ['mosaic.maps'] });
    return rs.rows.map((r) => String(r[0]));
  }
});
