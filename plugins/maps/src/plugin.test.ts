import { KNOWN_CITIES, loadGazetteer, startGeocoderService, type GeocoderService } from '@mosaic/example-geocoder';
import { createTestHarness, type HarnessOptions, type TestHarness } from '@mosaic/sdk/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { geocodeKey, normaliseAddress } from './address.js';
import { address, BERLIN, customer, GEOCODER, LONDON, LYON, NOWHERE, order, PARIS, PLUGIN_DIR, urlFor, viaSimulator } from './fixtures.js';

// The plugin runs in the platform's real sandbox (the harness builds it); the geocoder it asks
// is the simulated one over real HTTP, reached through the harness's recorded fetches.

const LOCATION = 'Customer.mosaic_maps_location';
const NEAREST = 'Customer.mosaic_maps_nearestServiceLocations';
const ROUTE = 'Order.mosaic_maps_route';
const city = (name: string) => KNOWN_CITIES.find((c) => c.name === name)!;

let geocoder: GeocoderService;
const open: TestHarness[] = [];

beforeAll(async () => {
  geocoder = await startGeocoderService({ gazetteer: loadGazetteer(), rateLimit: false });
});
afterAll(async () => {
  await geocoder.close();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});

async function harness(options: HarnessOptions = {}): Promise<TestHarness> {
  const h = await createTestHarness(PLUGIN_DIR, {
    fetch: viaSimulator(geocoder, [PARIS, LYON, LONDON, BERLIN, NOWHERE]),
    ...options,
  });
  open.push(h);
  return h;
}

describe('Customer.mosaic_maps_location', () => {
  it('geocodes the postal address with a structured Nominatim search and reports city precision', async () => {
    const h = await harness();
    const [paris] = await h.resolve(LOCATION, [customer('c1', PARIS)]);
    expect(paris).toEqual({ lat: city('Paris').lat, lon: city('Paris').lon, precision: 'CITY', source: expect.stringMatching(/^geocoder: Paris, .*France$/) });
    expect(h.fetches).toHaveLength(1);
    const asked = new URL(h.fetches[0]!.url);
    expect(asked.origin).toBe(GEOCODER);
    expect(asked.pathname).toBe('/search');
    expect(Object.fromEntries(asked.searchParams)).toEqual({
      street: '12 Rue de Rivoli', city: 'Paris', postalcode: '75004', country: 'FR', format: 'jsonv2', limit: '1', addressdetails: '1',
    });
    // No API key unless the installation turns it on.
    expect(h.fetches[0]!.headers).not.toHaveProperty('x-api-key');
    // The declared input: the host sends the id and the address, nothing else of the customer.
    expect(h.invocations[0]!.parents).toEqual([{ id: 'c1', address: PARIS }]);
  });

  it('keeps each customer\'s own copy of its geocode, which arrives with the call: a known location costs no host call', async () => {
    const h = await harness();
    await h.resolve(LOCATION, [customer('c1', PARIS), customer('c2', LONDON)]);
    expect(h.storage.get('subject:Customer:c1')).toMatchObject({ address: normaliseAddress(PARIS), location: { lat: city('Paris').lat } });
    const again = await h.resolve(LOCATION, [customer('c1', PARIS), customer('c2', LONDON)]);
    expect(again.map((l) => (l as { lat: number }).lat)).toEqual([city('Paris').lat, city('London').lat]);
    const last = h.invocations.at(-1)!;
    expect(last.storageKeys).toEqual(['subject:Customer:c1', 'subject:Customer:c2']);
    expect(last.metrics.hostCalls).toBe(0);
    expect(h.fetches).toHaveLength(2);
  });

  it('ignores a customer\'s copy made for an older address, and replaces it', async () => {
    const h = await harness({ storage: { 'subject:Customer:c1': normaliseAddress(LONDON) } });
    const [paris] = await h.resolve(LOCATION, [customer('c1', PARIS)]);
    expect(paris).toMatchObject({ lat: city('Paris').lat });
    expect(h.storage.get('subject:Customer:c1')).toMatchObject({ address: normaliseAddress(PARIS) });
    const [moved] = await h.resolve(LOCATION, [customer('c1', LONDON)]);
    expect(moved).toMatchObject({ lat: city('London').lat });
    expect(h.storage.get('subject:Customer:c1')).toMatchObject({ address: normaliseAddress(LONDON), location: { lat: city('London').lat } });
  });

  it('caches by address: a second request asks nobody, and customers sharing an address cost one lookup', async () => {
    const h = await harness();
    const first = await h.resolve(LOCATION, [customer('c1', PARIS), customer('c2', { ...PARIS, city: 'PARIS ' }), customer('c3', LONDON)]);
    expect(first[0]).toEqual(first[1]);
    expect(first[2]).toMatchObject({ lat: city('London').lat, lon: city('London').lon });
    expect(h.fetches).toHaveLength(2);
    expect(h.storage.get(geocodeKey(normaliseAddress(PARIS)))).toMatchObject({ address: normaliseAddress(PARIS), location: first[0] });

    expect(await h.resolve(LOCATION, [customer('c1', PARIS), customer('c3', LONDON)])).toEqual([first[0], first[2]]);
    expect(h.fetches).toHaveLength(2);
  });

  it('geocodes again when the address changes, because the changed address is another key', async () => {
    const h = await harness();
    const [before] = await h.resolve(LOCATION, [customer('c1', PARIS)]);
    const [after] = await h.resolve(LOCATION, [customer('c1', LYON)]);
    expect(before).toMatchObject({ lat: city('Paris').lat });
    expect(after).toMatchObject({ lat: city('Lyon').lat, lon: city('Lyon').lon, precision: 'CITY' });
    expect(h.fetches.map((f) => f.url)).toEqual([urlFor(PARIS), urlFor(LYON)]);
  });

  it('is null without an address, and for an address the geocoder does not know, which it remembers', async () => {
    const h = await harness();
    expect(await h.resolve(LOCATION, [customer('c0', null), customer('c9', NOWHERE)])).toEqual([null, null]);
    expect(await h.resolve(LOCATION, [customer('c9', NOWHERE)])).toEqual([null]);
    expect(h.fetches).toHaveLength(1);
    expect(h.storage.get(geocodeKey(normaliseAddress(NOWHERE)))).toMatchObject({ location: null });
  });

  it('degrades to null with a log line when the geocoder is busy, failing or unreachable, and caches none of it', async () => {
    const h = await harness({
      fetch: {
        [urlFor(PARIS)]: { status: 429, headers: { 'retry-after': '2' }, json: { error: { code: 'RATE_LIMITED', message: 'slow down' } } },
        [urlFor(LYON)]: { status: 503, body: 'busy' },
        [urlFor(LONDON)]: { error: 'EGRESS_TIMEOUT', message: 'the request took longer than 5000 ms' },
        [urlFor(BERLIN)]: { json: { not: 'a list' } },
      },
    });
    const customers = [PARIS, LYON, LONDON, BERLIN].map((a, i) => customer(`c${i}`, a));
    expect(await h.resolve(LOCATION, customers)).toEqual([null, null, null, null]);
    expect(h.logs.map((l) => [l.level, l.message])).toEqual(expect.arrayContaining([
      ['warn', 'the geocoder answered with an error'],
      ['warn', 'could not reach the geocoder'],
      ['warn', 'the geocoder answered in an unexpected shape'],
    ]));
    expect(h.logs).toContainEqual({ level: 'warn', message: 'the geocoder answered with an error', data: { status: 429, retryAfter: '2' } });
    expect(h.logs.find((l) => l.message === 'could not reach the geocoder')?.data).toMatchObject({ error: expect.stringMatching(/^EGRESS_TIMEOUT: /) });
    expect(h.storage.size).toBe(0);
  });

  it('sends the GEOCODER_API_KEY secret when the installation turns sendApiKey on, and says so when it is refused', async () => {
    const keyed = await harness({ config: { sendApiKey: true }, secrets: { GEOCODER_API_KEY: 'k-secret' } });
    expect(await keyed.resolve(LOCATION, [customer('c1', PARIS)])).toEqual([expect.objectContaining({ precision: 'CITY' })]);
    expect(keyed.fetches[0]!.headers['x-api-key']).toBe('k-secret');

    const refused = await harness({ config: { sendApiKey: true }, secrets: { GEOCODER_API_KEY: 'wrong' }, fetch: { [urlFor(PARIS)]: { status: 401, json: { error: { code: 'INVALID_API_KEY' } } } } });
    expect(await refused.resolve(LOCATION, [customer('c1', PARIS)])).toEqual([null]);
    expect(refused.logs).toContainEqual(expect.objectContaining({ level: 'error', message: expect.stringContaining('check the GEOCODER_API_KEY secret') }));
  });

  it('meets the host\'s egress refusals like in production: only the geocoder\'s host', async () => {
    const elsewhere = await harness({ config: { geocoderBaseUrl: 'https://nominatim.openstreetmap.org' } });
    expect(await elsewhere.resolve(LOCATION, [customer('c1', PARIS)])).toEqual([null]);
    expect(elsewhere.logs[0]?.data).toMatchObject({ error: expect.stringMatching(/^EGRESS_HOST_NOT_ALLOWED: host 'nominatim.openstreetmap.org'/) });
    expect(elsewhere.storage.size).toBe(0);
  });

  it('stays within the per-call limits on a page of many new addresses, and catches up on the next request', async () => {
    const addresses = KNOWN_CITIES.slice(0, 12).map((c, i) => address(`${i + 1} Main Street`, c.name, c.country));
    const h = await harness({ fetch: viaSimulator(geocoder, addresses) });
    const customers = addresses.map((a, i) => customer(`c${i}`, a));
    const first = await h.resolve(LOCATION, customers);
    expect(first.filter(Boolean)).toHaveLength(8);
    expect(h.logs).toContainEqual({ level: 'info', message: '4 addresses left to geocode on a later request (per-call limits)', data: { deferred: 4 } });
    const second = await h.resolve(LOCATION, customers);
    expect(second.every(Boolean)).toBe(true);
    expect(second.map((l) => (l as { lat: number }).lat)).toEqual(KNOWN_CITIES.slice(0, 12).map((c) => c.lat));
    expect(h.fetches).toHaveLength(12);
  });
});

describe('cache invalidation by events', () => {
  it('drops the entry of a customer whose address changed (customer.updated naming address), and keeps it otherwise', async () => {
    const h = await harness();
    await h.resolve(LOCATION, [customer('c1', PARIS), customer('c2', LONDON)]);
    const parisKey = geocodeKey(normaliseAddress(PARIS));
    const londonKey = geocodeKey(normaliseAddress(LONDON));

    await h.deliverEvent({ type: 'customer.updated', subjectId: 'c1', payload: { fields: ['name', 'email'] } });
    await h.deliverEvent({ type: 'customer.updated', subjectId: 'unknown', payload: { fields: ['address'] } });
    expect(h.storage.has(parisKey)).toBe(true);

    await h.deliverEvent({ type: 'customer.updated', subjectId: 'c1', payload: { fields: ['address'] } });
    expect(h.storage.has(parisKey)).toBe(false);
    expect(h.storage.has('subject:Customer:c1')).toBe(false);
    expect(h.storage.has(londonKey)).toBe(true);

    // Asked again, it geocodes afresh.
    await h.resolve(LOCATION, [customer('c1', PARIS)]);
    expect(h.fetches.map((f) => f.url)).toEqual([urlFor(PARIS), urlFor(LONDON), urlFor(PARIS)]);
  });

  it('does the same for accounts (account.updated)', async () => {
    const h = await harness();
    const account = { id: 'a1', name: 'Acme', domain: null, tier: null, address: BERLIN, createdAt: '2025-01-01T00:00:00Z', updatedAt: '2025-01-01T00:00:00Z' };
    expect(await h.resolve('Account.mosaic_maps_location', [account, { ...account, id: 'a2', address: null }]))
      .toEqual([expect.objectContaining({ lat: city('Berlin').lat, lon: city('Berlin').lon, precision: 'CITY' }), null]);
    await h.deliverEvent({ type: 'account.updated', subjectId: 'a1', payload: { fields: ['address', 'tier'] } });
    expect(h.storage.has(geocodeKey(normaliseAddress(BERLIN)))).toBe(false);
  });
});

describe('Customer.mosaic_maps_nearestServiceLocations', () => {
  const serviceLocations = [
    { name: 'Berlin depot', lat: 52.52, lon: 13.405 },
    { name: 'London store', lat: 51.5074, lon: -0.1278 },
    { name: 'Lyon workshop', lat: 45.764, lon: 4.8357 },
  ];

  it('lists the configured locations nearest first with great-circle distances', async () => {
    const h = await harness({ config: { serviceLocations } });
    const [near] = await h.resolve(NEAREST, [customer('c1', PARIS)], { first: 2 }) as Array<Array<{ name: string; distanceKm: number }>>;
    expect(near!.map((s) => s.name)).toEqual(['London store', 'Lyon workshop']);
    // Paris–London is about 344 km, Paris–Lyon about 392 km (from the gazetteer's Paris).
    expect(near![0]!.distanceKm).toBeGreaterThan(340);
    expect(near![0]!.distanceKm).toBeLessThan(346);
    expect(near![1]!.distanceKm).toBeGreaterThan(388);
    expect(near![1]!.distanceKm).toBeLessThan(396);
    const [all] = await h.resolve(NEAREST, [customer('c1', PARIS)], { first: 10 }) as unknown[][];
    expect(all).toHaveLength(3);
    expect(h.fetches).toHaveLength(1);
  });

  it('is null while the location is unknown, empty without configured locations, and refuses a bad first', async () => {
    const h = await harness();
    expect(await h.resolve(NEAREST, [customer('c0', null), customer('c1', PARIS)], { first: 3 })).toEqual([null, []]);
    for (const first of [0, 51, 2.5]) {
      await expect(h.resolve(NEAREST, [customer('c1', PARIS)], { first })).rejects.toMatchObject({ pluginCode: 'BAD_USER_INPUT', message: expect.stringContaining('first must be a whole number from 1 to 50') });
    }
  });
});

// Shipment tracking's field as its schema shapes it (selected @optional by the route's input).
const path = [{ lat: 50.1109, lon: 8.6821 }, { lat: 49.4875, lon: 8.466 }, { lat: 48.8566, lon: 2.3522 }];
const shipments = [{ trackingNumber: 'PX1', status: 'DELAYED', lastLocation: { name: 'Paris hub', country: 'FR', lat: 48.8566, lon: 2.3522 }, path }];

describe('Order.mosaic_maps_route', () => {

  it('composes the customer\'s location with shipment tracking\'s fields when they are there', async () => {
    const h = await harness();
    const placedBy = customer('c1', PARIS, 'Ada Lovelace');
    const [route] = await h.resolve(ROUTE, [order('o1', placedBy, { mosaic_shipmentTracking_shipments: shipments })]);
    expect(route).toEqual({
      markers: [
        { kind: 'CUSTOMER', label: 'Ada Lovelace', status: null, lat: city('Paris').lat, lon: city('Paris').lon },
        { kind: 'SHIPMENT', label: 'Parcel PX1 · Paris hub', status: 'DELAYED', lat: 48.8566, lon: 2.3522 },
      ],
      path,
      bounds: { south: expect.closeTo(48.35, 1), west: expect.closeTo(1.85, 1), north: expect.closeTo(50.61, 1), east: expect.closeTo(9.18, 1) },
    });
    // What the host sent: the selection, the other plugin's field included, and nothing else.
    expect(h.invocations[0]!.parents).toEqual([{
      id: 'o1',
      customer: { id: 'c1', name: 'Ada Lovelace', address: PARIS },
      // The hub's country is not selected, so it is not sent.
      mosaic_shipmentTracking_shipments: [{ trackingNumber: 'PX1', status: 'DELAYED', lastLocation: { name: 'Paris hub', lat: 48.8566, lon: 2.3522 }, path }],
    }]);
  });

  it('draws the customer alone where shipment tracking is not installed (the @optional field is absent) or has nothing', async () => {
    const h = await harness();
    const placedBy = customer('c1', PARIS, 'Ada');
    const routes = await h.resolve(ROUTE, [
      order('o1', placedBy),
      order('o2', placedBy, { mosaic_shipmentTracking_shipments: [] }),
      order('o3', placedBy, { mosaic_shipmentTracking_shipments: null }),
    ]);
    const alone = { markers: [{ kind: 'CUSTOMER', label: 'Ada', status: null, lat: city('Paris').lat, lon: city('Paris').lon }], path: [], bounds: expect.any(Object) };
    expect(routes).toEqual([alone, alone, alone]);
    expect(h.invocations[0]!.parents![0]).not.toHaveProperty('mosaic_shipmentTracking_shipments');
    expect(h.fetches).toHaveLength(1);
    expect([...h.storage.keys()].filter((k) => k.startsWith('route:'))).toEqual([]);
  });

  it('ignores shipment data it cannot read, and is null when nothing can be placed', async () => {
    const h = await harness();
    const garbage = [
      { trackingNumber: null, status: null, lastLocation: { name: null, lat: 'x', lon: null }, path: [{ lat: 999, lon: 0 }, { lat: Number.NaN, lon: 1 }] },
      null,
      { trackingNumber: 'PX9', status: 'IN_TRANSIT', lastLocation: null, path: null },
    ];
    expect(await h.resolve(ROUTE, [
      order('o1', customer('c0', null), { mosaic_shipmentTracking_shipments: garbage }),
    ])).toEqual([null]);
    // A shipment with a path but no last location is placed at the path's end.
    const [route] = await h.resolve(ROUTE, [order('o3', customer('c0', null), { mosaic_shipmentTracking_shipments: [{ trackingNumber: null, status: 'DELIVERED', lastLocation: null, path }] })]);
    expect(route).toMatchObject({ markers: [{ kind: 'SHIPMENT', label: 'Parcel 1', status: 'DELIVERED', ...path[2] }], path });
  });
});

describe('widgets', () => {
  const serviceLocations = [{ name: 'London store', lat: 51.5074, lon: -0.1278 }, { name: 'Berlin depot', lat: 52.52, lon: 13.405 }];

  it('console.customer.sidebar: a map of the customer and the nearest service locations, from the cached geocode', async () => {
    const h = await harness({ config: { serviceLocations } });
    const ada = customer('c1', PARIS, 'Ada');
    await h.resolve(LOCATION, [ada]);
    const tree = await h.renderWidget('customer-map', { customer: ada });
    expect(h.fetches).toHaveLength(1);
    expect(tree).toMatchObject({
      type: 'card',
      children: [
        {
          type: 'map',
          markers: [
            { lat: city('Paris').lat, lon: city('Paris').lon, label: 'Ada', tone: 'info' },
            { label: 'London store · 343.7 km', tone: 'neutral' },
            { label: 'Berlin depot · 877.9 km', tone: 'neutral' },
          ],
          bounds: expect.any(Object),
          caption: 'Paris, FR: placed at city precision.',
        },
        { type: 'table', columns: ['Nearest service location', 'Distance'], rows: [['London store', '343.7 km'], ['Berlin depot', '877.9 km']] },
      ],
    });
  });

  it('console.customer.sidebar: says why there is no map', async () => {
    const h = await harness();
    expect(await h.renderWidget('customer-map', { customer: customer('c0', null) }))
      .toEqual({ type: 'card', title: 'Map', children: [{ type: 'text', text: 'No postal address on file.' }] });
    expect(await h.renderWidget('customer-map', { customer: customer('c9', NOWHERE) }))
      .toEqual({ type: 'card', title: 'Map', children: [{ type: 'text', text: 'The geocoder does not know Atlantis, FR.', tone: 'warning' }] });
  });

  it('portal.order.detail: the delivery address, and the parcel\'s way once the route field has seen shipment data', async () => {
    const ada = customer('c1', PARIS, 'Ada');
    const h = await harness({ data: { customers: [ada] } });
    const plain = order('o1', ada);
    const target = { order: { ...plain, customer: { id: 'c1' } } };

    const before = await h.renderWidget('order-map', target);
    expect(before).toMatchObject({ type: 'card', children: [{ type: 'map', markers: [{ label: 'Delivery address', tone: 'info' }], caption: 'Shows your delivery address.' }] });
    expect(before).not.toHaveProperty('children.0.polyline');

    await h.resolve(ROUTE, [order('o1', ada, { mosaic_shipmentTracking_shipments: shipments })]);
    const after = await h.renderWidget('order-map', target);
    expect(after).toMatchObject({
      type: 'card',
      children: [{
        type: 'map',
        markers: [{ label: 'Delivery address', tone: 'info' }, { label: 'Parcel PX1 · Paris hub', lat: 48.8566, lon: 2.3522, tone: 'danger' }],
        polyline: path,
        bounds: expect.any(Object),
        caption: 'Shows your delivery address, where your parcel was last seen, the way it came.',
      }],
    });
    // One geocode for the address, shared by the field and both renders.
    expect(h.fetches).toHaveLength(1);
  });

  it('portal.order.detail: a long path is stored thinned to what a map needs', async () => {
    const ada = customer('c1', PARIS, 'Ada');
    const h = await harness({ data: { customers: [ada] } });
    const long = Array.from({ length: 1500 }, (_, i) => ({ lat: 40 + i / 100, lon: 2 + i / 200 }));
    await h.resolve(ROUTE, [order('o1', ada, { mosaic_shipmentTracking_shipments: [{ trackingNumber: 'PX2', status: 'IN_TRANSIT', lastLocation: null, path: long }] })]);
    const tree = await h.renderWidget('order-map', { order: { ...order('o1', ada), customer: { id: 'c1' } } }) as { children: Array<{ polyline?: unknown[] }> };
    expect(tree.children[0]!.polyline).toHaveLength(100);
    expect(tree.children[0]!.polyline![0]).toEqual(long[0]);
    expect(tree.children[0]!.polyline![99]).toEqual(long[1499]);
  });

  it('a route read again unchanged writes no snapshot; a parcel that moved on is saved again', async () => {
    const ada = customer('c1', PARIS, 'Ada');
    const h = await harness({ data: { customers: [ada] } });
    const long = Array.from({ length: 1500 }, (_, i) => ({ lat: 40 + i / 100, lon: 2 + i / 200 }));
    const read = (status: string) => h.resolve(ROUTE, [order('o1', ada, { mosaic_shipmentTracking_shipments: [{ trackingNumber: 'PX2', status, lastLocation: null, path: long }] })]);
    await read('IN_TRANSIT');
    const saved = h.storage.get('route:o1') as { savedAt: string; shipments: Array<{ status: string }> };
    h.storage.set('route:o1', { ...saved, savedAt: '2000-01-01T00:00:00.000Z' } as never);
    await read('IN_TRANSIT');
    expect(h.storage.get('route:o1')).toMatchObject({ savedAt: '2000-01-01T00:00:00.000Z', shipments: [{ status: 'IN_TRANSIT' }] });
    await read('DELAYED');
    const moved = h.storage.get('route:o1') as { savedAt: string; shipments: Array<{ status: string }> };
    expect(moved.savedAt).not.toBe('2000-01-01T00:00:00.000Z');
    expect(moved.shipments).toMatchObject([{ status: 'DELAYED' }]);
  });
});
