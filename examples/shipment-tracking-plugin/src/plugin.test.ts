import { shipmentFor } from '@mosaic/example-carrier';
import { createTestHarness, HarnessError, type HarnessOptions, type TestHarness } from '@mosaic/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { CARRIER, carrierRecordings, FIELD, order, PLUGIN_DIR, shipmentUrl, TOKEN } from './fixtures.js';

// The plugin's BUILT bundle in Mosaic's real sandbox (isolate in a worker process); only the
// tenant's data, storage and the carrier's answers are fakes.

const harnesses: TestHarness[] = [];
async function harness(options: HarnessOptions = {}): Promise<TestHarness> {
  const h = await createTestHarness(PLUGIN_DIR, { secrets: { CARRIER_TOKEN: TOKEN }, ...options });
  harnesses.push(h);
  return h;
}
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
});

const shipped = [order('o1', 'ORD-1001'), order('o2', 'ORD-1002', 'DELIVERED'), order('o3', 'ORD-1003', 'PAID'), order('o4', 'ORD-1001')];

describe('Order.example_shipmentTracking_shipment', () => {
  it('resolves every order of a query in one call, asking the carrier once per parcel with the secret filled in', async () => {
    const h = await harness({ fetch: carrierRecordings(['MCORD1001', 'MCORD1002']) });
    const [first, second, unshipped, again] = await h.resolve(FIELD, shipped) as Array<Record<string, any> | null>;

    const expected = shipmentFor('MCORD1001');
    expect(first).toMatchObject({
      trackingNumber: 'MCORD1001',
      carrier: 'Parcelly',
      status: expected.status,
      eta: expected.estimatedDelivery,
      lastLocation: expected.lastLocation,
      events: expected.events,
    });
    expect(Date.parse(first!.checkedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(second).toMatchObject({ trackingNumber: 'MCORD1002', status: shipmentFor('MCORD1002').status });
    expect(unshipped).toBeNull();
    expect(again).toEqual(first);

    expect(h.invocations).toHaveLength(1);
    expect(h.fetches.map((f) => [f.method, f.url, f.headers.authorization])).toEqual([
      ['GET', shipmentUrl('MCORD1001'), `Bearer ${TOKEN}`],
      ['GET', shipmentUrl('MCORD1002'), `Bearer ${TOKEN}`],
    ]);
  });

  it('caches answers in its storage for cacheSeconds', async () => {
    const h = await harness({ fetch: carrierRecordings(['MCORD1001']) });
    const [first] = await h.resolve(FIELD, [shipped[0]]);
    expect([...h.storage.keys()]).toEqual(['shipment:MCORD1001']);
    expect(await h.resolve(FIELD, [shipped[0]])).toEqual([first]);
    expect(h.fetches).toHaveLength(1);

    const uncached = await harness({ config: { cacheSeconds: 0 }, fetch: carrierRecordings(['MCORD1001']) });
    await uncached.resolve(FIELD, [shipped[0]]);
    await uncached.resolve(FIELD, [shipped[0]]);
    expect(uncached.fetches).toHaveLength(2);
    expect(uncached.storage.size).toBe(0);
  });

  it('asks again once a cached answer is older than cacheSeconds', async () => {
    const stale = { checkedAt: '2020-01-01T00:00:00.000Z', shipment: null };
    const h = await harness({ storage: { 'shipment:MCORD1001': stale }, fetch: carrierRecordings(['MCORD1001']) });
    expect(await h.resolve(FIELD, [shipped[0]])).toEqual([expect.objectContaining({ trackingNumber: 'MCORD1001' })]);
    expect(h.fetches).toHaveLength(1);
  });

  it('is null for parcels the carrier does not know, and remembers that', async () => {
    const h = await harness({ fetch: { [shipmentUrl('MCORD404')]: { status: 404, json: { error: 'not_found' } } } });
    expect(await h.resolve(FIELD, [order('o9', 'ORD-404')])).toEqual([null]);
    expect(h.storage.get('shipment:MCORD404')).toMatchObject({ shipment: null });
  });

  it('degrades to null with a log line when the carrier fails, refuses the token or cannot be reached', async () => {
    const h = await harness({
      fetch: {
        [shipmentUrl('MCORD1001')]: { status: 503, body: 'busy' },
        [shipmentUrl('MCORD1002')]: { status: 401, json: { error: 'unauthorized' } },
        [shipmentUrl('MCORD1004')]: { error: 'EGRESS_TIMEOUT', message: 'the request took longer than 5000 ms' },
        [shipmentUrl('MCORD1005')]: { json: { trackingNumber: 'MCORD1005', status: 'LOST' } },
      },
    });
    const orders = ['ORD-1001', 'ORD-1002', 'ORD-1004', 'ORD-1005'].map((n, i) => order(`o${i}`, n));
    expect(await h.resolve(FIELD, orders)).toEqual([null, null, null, null]);
    expect(h.logs.map((l) => [l.level, l.message])).toEqual(expect.arrayContaining([
      ['warn', 'the carrier answered with an error'],
      ['error', 'the carrier refused our credentials; check the CARRIER_TOKEN secret'],
      ['warn', 'could not reach the carrier'],
      ['warn', 'the carrier answered in an unexpected shape'],
    ]));
    expect(h.logs.find((l) => l.message === 'could not reach the carrier')?.data).toMatchObject({ error: expect.stringMatching(/^EGRESS_TIMEOUT: /) });
    // Failures are not cached: the next view asks again.
    expect(h.storage.size).toBe(0);
  });

  it('meets the host\'s egress refusals like in production', async () => {
    const ungranted = await harness({ grantEgress: [] });
    expect(await ungranted.resolve(FIELD, [shipped[0]])).toEqual([null]);
    expect(ungranted.logs[0]?.data).toMatchObject({ error: expect.stringMatching(/^FORBIDDEN: .*granted no egress hosts/) });
    expect(ungranted.fetches).toEqual([]);

    const elsewhere = await harness({ config: { carrierBaseUrl: 'https://tracking.other-carrier.example' } });
    expect(await elsewhere.resolve(FIELD, [shipped[0]])).toEqual([null]);
    expect(elsewhere.logs[0]?.data).toMatchObject({ error: expect.stringMatching(/^EGRESS_HOST_NOT_ALLOWED: host 'tracking.other-carrier.example'/) });
  });

  it('fails the call, as production does, when a scope it relies on is not granted', async () => {
    const h = await harness({ grantScopes: ['orders:read'], fetch: carrierRecordings(['MCORD1001']) });
    await expect(h.resolve(FIELD, [shipped[0]])).rejects.toMatchObject({
      code: 'PLUGIN_FAILED',
      pluginCode: 'FORBIDDEN',
      message: expect.stringContaining("was not granted the 'storage' scope"),
    });
  });

  it('stays within the per-call limits on a page of many orders, and catches up on the next call', async () => {
    const numbers = Array.from({ length: 12 }, (_, i) => `ORD-${2000 + i}`);
    const h = await harness({ fetch: carrierRecordings(numbers.map((n) => `MC${n.replace('-', '')}`)) });
    const orders = numbers.map((n, i) => order(`o${i}`, n));
    const first = await h.resolve(FIELD, orders);
    expect(first.filter(Boolean)).toHaveLength(8);
    expect(h.fetches).toHaveLength(8);
    expect(h.logs).toContainEqual({ level: 'info', message: '4 tracking lookups deferred to a later call (per-call limits)', data: { deferred: 4 } });
    const second = await h.resolve(FIELD, orders);
    expect(second.every(Boolean)).toBe(true);
    expect(h.fetches).toHaveLength(12);
    expect(h.invocations.every((i) => i.metrics.hostCalls <= 100)).toBe(true);
  });

  it('is held to the sandbox limits it is given', async () => {
    const h = await harness({ limits: { maxHostCalls: 2 }, fetch: carrierRecordings(['MCORD1001', 'MCORD1002']) });
    await expect(h.resolve(FIELD, shipped)).rejects.toMatchObject({ code: 'PLUGIN_FAILED', pluginCode: 'LIMIT_EXCEEDED' });
  });

  it('makes a test that forgets a recording fail, naming the URL', async () => {
    const h = await harness();
    const error = await h.resolve(FIELD, [shipped[0]]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HarnessError);
    expect((error as Error).message).toContain(`fetched without a recorded response: GET ${CARRIER}/v1/shipments/MCORD1001`);
  });
});

describe('order.status_changed', () => {
  it('logs the change and forgets the cached answer for the order', async () => {
    const h = await harness({
      data: { orders: [shipped[0]!] },
      storage: { 'shipment:MCORD1001': { checkedAt: new Date().toISOString(), shipment: null } },
    });
    expect(await h.deliverEvent({ type: 'order.status_changed', subjectId: 'o1', payload: { from: 'PAID', to: 'SHIPPED' } })).toBe(true);
    expect(h.logs).toEqual([{ level: 'info', message: 'order o1 went from PAID to SHIPPED', data: { orderId: 'o1', from: 'PAID', to: 'SHIPPED' } }]);
    expect(h.storage.has('shipment:MCORD1001')).toBe(false);
  });

  it('is the only event it receives', async () => {
    const h = await harness();
    expect(await h.deliverEvent({ type: 'order.created', subjectId: 'o1' })).toBe(false);
    expect(h.invocations).toHaveLength(0);
  });
});

describe('refreshTracking', () => {
  it('asks the carrier again and says what it found', async () => {
    const h = await harness({ data: { orders: [shipped[0]!, shipped[2]!] }, fetch: carrierRecordings(['MCORD1001']) });
    await h.resolve(FIELD, [shipped[0]]);
    expect(await h.runAction('refreshTracking', { orderId: 'o1' })).toEqual({ message: 'Tracking refreshed: In transit.' });
    expect(h.fetches).toHaveLength(2);
    expect(await h.runAction('refreshTracking', { orderId: 'o3' })).toEqual({ message: 'Order ORD-1003 has not shipped yet.' });
    expect(await h.runAction('refreshTracking', { orderId: 'gone' })).toEqual({ message: 'That order no longer exists.' });
  });
});

describe('shipment widget', () => {
  it('renders status, details, a map of the route and a timeline, newest first', async () => {
    const h = await harness({ fetch: carrierRecordings(['MCORD1002']) });
    const s = shipmentFor('MCORD1002');
    const card = await h.renderWidget('shipment', { order: shipped[1] });
    expect(card).toMatchObject({ type: 'card', title: 'Shipment' });
    const children = (card as { children: Array<Record<string, any>> }).children;
    expect(children.map((c) => c.type)).toEqual(['stack', 'keyValue', 'map', 'timeline', 'button']);
    expect(children[0]?.children[0]).toEqual({ type: 'badge', text: 'Out for delivery', tone: 'info' });
    expect(children[1]?.items).toContainEqual({ label: 'Last seen', value: `${s.lastLocation.city}, ${s.lastLocation.country}` });
    expect(children[2]?.markers.at(-1)).toEqual({ lat: s.lastLocation.lat, lon: s.lastLocation.lng, label: `${s.lastLocation.city} (now)` });
    expect(children[3]?.items.map((i: { at: string }) => i.at)).toEqual(s.events.map((e) => e.at).reverse());
    expect(children[4]).toEqual({ type: 'button', label: 'Refresh tracking', action: 'refreshTracking', input: { orderId: 'o2' }, variant: 'secondary' });
  });

  it('shows nothing before the order ships, and a warning when the carrier cannot say', async () => {
    const h = await harness({ fetch: { [shipmentUrl('MCORD1001')]: { status: 500, body: '' } } });
    expect(await h.renderWidget('shipment', { order: shipped[2] })).toBeNull();
    expect(await h.renderWidget('shipment', { order: shipped[0] })).toMatchObject({
      children: [{ type: 'text', tone: 'warning', text: 'The carrier could not be reached; try again in a moment.' }, { type: 'button' }],
    });
  });
});
