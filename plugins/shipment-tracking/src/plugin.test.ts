import type { TestHarness } from '@mosaic/sdk/testing';
import { describe, expect, it } from 'vitest';
import { attached, customer, order, parcellyAnswer, parcellyUrl, SHIPFAST_TRACK, shipfastAnswers } from './fixtures.js';
import { useHarnesses } from './test-harness.js';

const harness = useHarnesses();

type Shipment = {
  carrier: string; trackingNumber: string; status: string; eta: string | null; deliveredAt: string | null;
  lastLocation: { name: string; country: string; lat: number; lon: number } | null;
  path: Array<{ lat: number; lon: number }>;
  events: Array<{ at: string; status: string; description: string; location: unknown }>;
  checkedAt: string | null; stale: boolean;
  syncError: { code: string; message: string; retryAfterSeconds: number | null } | null;
};

const track = async (h: TestHarness, carrier: string, trackingNumber: string) =>
  (await h.resolve('Query.mosaic_shipmentTracking_track', [{}], { carrier, trackingNumber }))[0] as Shipment;

const stored = (h: TestHarness, key: string) => h.storage.get(key) as Record<string, unknown> | undefined;

describe('normalising both carriers', () => {
  it('reads a delayed Parcelly parcel: EXCEPTION/DELAYED becomes DELAYED, hubs become locations and a path, the token is the host\'s', async () => {
    const h = await harness({ fetch: { [parcellyUrl('PY0000000001')]: parcellyAnswer('PY0000000001', 'delayed', 'delayed') } });
    const s = await track(h, 'PARCELLY', 'py0000000001');

    expect(s).toMatchObject({ carrier: 'PARCELLY', trackingNumber: 'PY0000000001', status: 'DELAYED', stale: false, syncError: null });
    expect(Date.parse(s.eta!)).toBeGreaterThan(Date.parse(s.events.at(-1)!.at));
    expect(s.events[0]).toMatchObject({ status: 'LABEL_CREATED' });
    expect(s.events.at(-1)).toMatchObject({ status: 'DELAYED', description: expect.stringMatching(/^Delayed at the .+ hub/) });
    expect(s.lastLocation).toEqual({ name: expect.any(String), country: expect.any(String), lat: expect.any(Number), lon: expect.any(Number) });
    expect(s.path.length).toBeGreaterThanOrEqual(1);
    expect(s.path.at(-1)).toEqual({ lat: s.lastLocation!.lat, lon: s.lastLocation!.lon });
    expect(h.fetches).toHaveLength(1);
    expect(h.fetches[0]).toMatchObject({ method: 'GET', headers: { authorization: 'Bearer test-parcelly-token' } });
  });

  it('reads ShipFast: snake_case states, Unix seconds and newest-first checkpoints in the same vocabulary, oldest first', async () => {
    const h = await harness({ fetch: { [SHIPFAST_TRACK]: shipfastAnswers({ SF0000012345: ['lost', 'lost'], SF0000067890: ['exception', 'delivery_failed'] }) } });
    const lost = await track(h, 'SHIPFAST', 'SF0000012345');
    const failed = await track(h, 'SHIPFAST', 'SF0000067890');

    expect(lost).toMatchObject({ carrier: 'SHIPFAST', status: 'LOST', eta: null, stale: false, syncError: null });
    expect(failed).toMatchObject({ status: 'DELIVERY_FAILED' });
    expect(Date.parse(failed.eta!)).not.toBeNaN();
    for (const s of [lost, failed]) {
      expect(s.events[0]!.status).toBe('LABEL_CREATED');
      const times = s.events.map((e) => Date.parse(e.at));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(s.lastLocation).toMatchObject({ lat: expect.any(Number), lon: expect.any(Number) });
    }
    expect(h.fetches[0]).toMatchObject({ method: 'POST', headers: { 'x-api-key': 'test-shipfast-key' } });
    expect(JSON.parse(h.fetches[0]!.body!)).toEqual({ numbers: ['SF0000012345'] });
  });

  it('says a number the carrier does not know is unknown, without failing or calling it stale', async () => {
    const h = await harness({ fetch: { [parcellyUrl('PY0000000404')]: { status: 404, json: { error: 'not_found' } } } });
    const s = await track(h, 'PARCELLY', 'PY0000000404');
    expect(s).toMatchObject({ status: 'UNKNOWN', events: [], stale: false, syncError: { code: 'TRACKING_NUMBER_UNKNOWN' } });
  });

  it('refuses a malformed tracking number with BAD_USER_INPUT before asking anyone', async () => {
    const h = await harness();
    const [result] = await h.resolve('Query.mosaic_shipmentTracking_track', [{}], { carrier: 'SHIPFAST', trackingNumber: 'PY0000000001' }).catch((e: unknown) => [e]);
    expect(result).toMatchObject({ message: expect.stringContaining('SF followed by 8 to 20 digits') });
    expect(h.fetches).toHaveLength(0);
    expect(h.storage.size).toBe(0);
  });
});

describe('batching', () => {
  it('asks ShipFast once for the parcels of many orders, and Parcelly once per parcel', async () => {
    const orders = Array.from({ length: 12 }, (_, i) => order(i + 1));
    const shipfastNumbers = orders.slice(0, 10).map((_, i) => `SF00000100${String(i).padStart(2, '0')}`);
    const storage = Object.assign({}, ...orders.slice(0, 10).map((o, i) => attached(o, [{ carrier: 'SHIPFAST', trackingNumber: shipfastNumbers[i]! }])));
    const h = await harness({
      storage,
      fetch: {
        [SHIPFAST_TRACK]: shipfastAnswers(Object.fromEntries(shipfastNumbers.map((n) => [n, ['on-time', 10]]))),
        // The last two have no number attached: tracked under the one printed from the order number.
        [parcellyUrl('MCORD1011')]: parcellyAnswer('MCORD1011', 'on-time', 10),
        [parcellyUrl('MCORD1012')]: parcellyAnswer('MCORD1012', 'delivered', 'delivered'),
      },
    });
    const result = (await h.resolve('Order.mosaic_shipmentTracking_shipments', orders)) as Shipment[][];

    const posts = h.fetches.filter((f) => f.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(JSON.parse(posts[0]!.body!).numbers).toEqual(shipfastNumbers);
    expect(h.fetches.filter((f) => f.method === 'GET').map((f) => f.url).sort()).toEqual([parcellyUrl('MCORD1011'), parcellyUrl('MCORD1012')]);
    expect(result.map((list) => list.map((s) => s.trackingNumber))).toEqual([...shipfastNumbers.map((n) => [n]), ['MCORD1011'], ['MCORD1012']]);
    expect(result.flat().every((s) => !s.stale && s.status !== 'UNKNOWN')).toBe(true);
    // Only the declared input crossed into the isolate.
    expect(h.invocations.at(-1)!.parents![0]).toEqual({ id: 'order-1', orderNumber: 'ORD-1001', orderStatus: 'SHIPPED' });
  });

  it('asks about at most 25 parcels per request (one full ShipFast batch); the rest come back deferred and are asked about next time', async () => {
    const numbers = Array.from({ length: 30 }, (_, i) => `SF00002000${String(i).padStart(2, '0')}`);
    const orders = numbers.map((_, i) => order(i + 1));
    const storage = Object.assign({}, ...orders.map((o, i) => attached(o, [{ carrier: 'SHIPFAST', trackingNumber: numbers[i]! }])));
    const h = await harness({ storage, fetch: { [SHIPFAST_TRACK]: shipfastAnswers(Object.fromEntries(numbers.map((n) => [n, ['on-time', 5]]))) } });

    const first = ((await h.resolve('Order.mosaic_shipmentTracking_shipments', orders)) as Shipment[][]).flat();
    expect(h.fetches.map((f) => JSON.parse(f.body!).numbers)).toEqual([numbers.slice(0, 25)]);
    expect(first.slice(25).map((s) => s.syncError?.code)).toEqual(Array(5).fill('SYNC_DEFERRED'));
    expect(first.slice(25).every((s) => s.stale && s.status === 'UNKNOWN')).toBe(true);

    const second = ((await h.resolve('Order.mosaic_shipmentTracking_shipments', orders)) as Shipment[][]).flat();
    expect(h.fetches.map((f) => JSON.parse(f.body!).numbers)).toEqual([numbers.slice(0, 25), numbers.slice(25)]);
    expect(second.every((s) => !s.stale && s.syncError === null)).toBe(true);
  });

  it('stays within the host\'s 100 calls for 50 orders, warm or cold', async () => {
    const orders = Array.from({ length: 50 }, (_, i) => order(i + 1));
    const fetch = Object.fromEntries(orders.map((o) => [parcellyUrl(`MCORD${1000 + Number(o.id.slice(6))}`), parcellyAnswer(`MCORD${1000 + Number(o.id.slice(6))}`, 'on-time', 10)]));
    const h = await harness({ fetch });
    await h.resolve('Order.mosaic_shipmentTracking_shipments', orders);
    expect(h.fetches).toHaveLength(8);
    for (let i = 0; i < 6; i++) await h.resolve('Order.mosaic_shipmentTracking_shipments', orders);
    // Parcelly is asked 8 parcels a request until all 50 are known; then a read is storage only.
    expect(h.fetches).toHaveLength(50);
    const warm = (await h.resolve('Order.mosaic_shipmentTracking_shipments', orders)) as Shipment[][];
    expect(h.fetches).toHaveLength(50);
    expect(warm.flat().every((s) => !s.stale)).toBe(true);
    expect(h.invocations.every((i) => i.ok && i.metrics.hostCalls <= 100)).toBe(true);
    // The orders' attachment keys arrive with the call (storage inputs); one getMany of the 50 parcels.
    expect(h.invocations.at(-1)!.storageKeys).toEqual(['attachments:indexed', 'attachments:cursor', ...orders.map((o) => `order:${o.id}`)]);
    expect(h.invocations.at(-1)!.metrics.hostCalls).toBe(1);
  });

  it('answers attached parcels that are fresh with no host call: the orders\' lists and the parcels\' summaries arrive with the call', async () => {
    const orders = Array.from({ length: 30 }, (_, i) => order(i + 1));
    const numbers = orders.map((_, i) => `SF${String(i).padStart(8, '0')}`);
    // Every order already has its parcel list (attachments.ts).
    const storage = Object.assign({ 'attachments:indexed': true }, ...orders.map((o, i) => ({
      ...attached(o, [{ carrier: 'SHIPFAST', trackingNumber: numbers[i]! }]), [`order:${o.id}`]: [`SHIPFAST:${numbers[i]}`],
    })));
    const h = await harness({ storage, fetch: { [SHIPFAST_TRACK]: shipfastAnswers(Object.fromEntries(numbers.map((n) => [n, ['on-time', 5]]))) } });
    await h.resolve('Order.mosaic_shipmentTracking_shipments', orders);
    await h.resolve('Order.mosaic_shipmentTracking_shipments', orders);
    const fetched = h.fetches.length;
    const warm = ((await h.resolve('Order.mosaic_shipmentTracking_shipments', orders)) as Shipment[][]).flat();
    expect(h.fetches).toHaveLength(fetched);
    expect(warm.map((s) => s.trackingNumber)).toEqual(numbers);
    expect(warm.every((s) => !s.stale && s.syncError === null && s.status !== 'UNKNOWN')).toBe(true);
    const last = h.invocations.at(-1)!;
    expect(last.storageKeys).toEqual([
      'attachments:indexed', 'attachments:cursor', ...orders.map((o) => `order:${o.id}`), ...numbers.map((n) => `summary:SHIPFAST:${n}`),
    ]);
    expect(last.metrics.hostCalls).toBe(0);
  });

  it('does not track an order that has not shipped', async () => {
    const h = await harness();
    expect(await h.resolve('Order.mosaic_shipmentTracking_shipments', [order(1, { orderStatus: 'PAID' })])).toEqual([[]]);
    expect(h.fetches).toHaveLength(0);
  });
});

describe('cache freshness', () => {
  const fetch = { [parcellyUrl('MCORD1001')]: parcellyAnswer('MCORD1001', 'on-time', 10) };

  it('serves a fresh answer from storage and asks again once it is older than freshnessSeconds', async () => {
    const h = await harness({ fetch, config: { freshnessSeconds: 300 } });
    await h.resolve('Order.mosaic_shipmentTracking_shipments', [order(1)]);
    await h.resolve('Order.mosaic_shipmentTracking_shipments', [order(1)]);
    expect(h.fetches).toHaveLength(1);

    // The list reads the parcel's summary: age that one.
    const summary = stored(h, 'summary:PARCELLY:MCORD1001')!;
    h.storage.set('summary:PARCELLY:MCORD1001', { ...summary, checkedAt: new Date(Date.now() - 301_000).toISOString() } as never);
    const [list] = (await h.resolve('Order.mosaic_shipmentTracking_shipments', [order(1)])) as Shipment[][];
    expect(h.fetches).toHaveLength(2);
    expect(Date.now() - Date.parse(list![0]!.checkedAt!)).toBeLessThan(60_000);
  });

  it('asks on every read with freshnessSeconds 0', async () => {
    const h = await harness({ fetch, config: { freshnessSeconds: 0 } });
    await h.resolve('Order.mosaic_shipmentTracking_shipments', [order(1)]);
    await h.resolve('Order.mosaic_shipmentTracking_shipments', [order(1)]);
    expect(h.fetches).toHaveLength(2);
  });
});

describe('when the carrier is down or rate-limits', () => {
  // What the carrier said an hour ago, past the freshness window.
  const lastKnown = () => ({
    'parcel:SHIPFAST:SF0000012345': {
      checkedAt: new Date(Date.now() - 3_600_000).toISOString(),
      parcel: { carrier: 'SHIPFAST', trackingNumber: 'SF0000012345', status: 'IN_TRANSIT', eta: '2030-01-09T12:00:00.000Z', deliveredAt: null, lastLocation: { name: 'Leipzig hub', country: 'DE', lat: 51.42, lon: 12.24 }, events: [{ at: '2030-01-07T09:00:00.000Z', status: 'IN_TRANSIT', description: 'Arrived at Leipzig hub', location: { name: 'Leipzig hub', country: 'DE', lat: 51.42, lon: 12.24 } }] },
    },
  });

  it('429: last known state with CARRIER_RATE_LIMITED, and no call to that carrier before Retry-After has passed', async () => {
    const h = await harness({ storage: lastKnown(), fetch: { [SHIPFAST_TRACK]: { status: 429, headers: { 'retry-after': '120' }, json: { error: { code: 'rate_limited' } } } } });
    const first = await track(h, 'SHIPFAST', 'SF0000012345');
    expect(first).toMatchObject({ status: 'IN_TRANSIT', stale: true, lastLocation: { name: 'Leipzig hub' }, syncError: { code: 'CARRIER_RATE_LIMITED', retryAfterSeconds: 120 } });
    const backoff = stored(h, 'backoff:SHIPFAST')!;
    expect(Date.parse(backoff.until as string) - Date.now()).toBeGreaterThan(110_000);

    const second = await track(h, 'SHIPFAST', 'SF0000012345');
    expect(h.fetches).toHaveLength(1);
    expect(second).toMatchObject({ stale: true, syncError: { code: 'CARRIER_RATE_LIMITED' } });
    expect(second.syncError!.retryAfterSeconds).toBeLessThanOrEqual(120);
    expect(second.syncError!.retryAfterSeconds).toBeGreaterThan(100);
  });

  it('asks again once the remembered Retry-After has passed', async () => {
    const h = await harness({
      storage: { ...lastKnown(), 'backoff:SHIPFAST': { until: new Date(Date.now() - 1000).toISOString(), code: 'CARRIER_RATE_LIMITED', message: 'wait' } },
      fetch: { [SHIPFAST_TRACK]: shipfastAnswers({ SF0000012345: ['on-time', 12] }) },
    });
    const s = await track(h, 'SHIPFAST', 'SF0000012345');
    expect(h.fetches).toHaveLength(1);
    expect(s).toMatchObject({ stale: false, syncError: null });
  });

  it.each([500, 502, 503])('%i: last known state with CARRIER_UNAVAILABLE, never a failed query', async (status) => {
    const before = lastKnown();
    const h = await harness({ storage: before, fetch: { [SHIPFAST_TRACK]: { status, json: { error: { code: 'unavailable' } } } } });
    const s = await track(h, 'SHIPFAST', 'SF0000012345');
    expect(s).toMatchObject({ status: 'IN_TRANSIT', eta: '2030-01-09T12:00:00.000Z', stale: true, syncError: { code: 'CARRIER_UNAVAILABLE', retryAfterSeconds: null } });
    expect(s.path).toEqual([{ lat: 51.42, lon: 12.24 }]);
    // The last known state is kept as it was, to be served again.
    expect(stored(h, 'parcel:SHIPFAST:SF0000012345')).toEqual(before['parcel:SHIPFAST:SF0000012345']);
  });

  it('a 503 with Retry-After is honoured like a 429: no call before it has passed', async () => {
    const h = await harness({ storage: lastKnown(), fetch: { [SHIPFAST_TRACK]: { status: 503, headers: { 'retry-after': '30' }, json: { error: { code: 'unavailable' } } } } });
    expect(await track(h, 'SHIPFAST', 'SF0000012345')).toMatchObject({ stale: true, syncError: { code: 'CARRIER_UNAVAILABLE', retryAfterSeconds: 30 } });
    const again = await track(h, 'SHIPFAST', 'SF0000012345');
    expect(h.fetches).toHaveLength(1);
    expect(again).toMatchObject({ status: 'IN_TRANSIT', stale: true, syncError: { code: 'CARRIER_UNAVAILABLE' } });
    expect(again.syncError!.retryAfterSeconds).toBeLessThanOrEqual(30);
  });

  it('an unreachable carrier with nothing known yet: UNKNOWN, stale, coded, not an error', async () => {
    const h = await harness({ fetch: { [parcellyUrl('PY0000000001')]: { error: 'EGRESS_TIMEOUT', message: 'timed out' } } });
    const s = await track(h, 'PARCELLY', 'PY0000000001');
    expect(s).toMatchObject({ status: 'UNKNOWN', events: [], path: [], checkedAt: null, stale: true, syncError: { code: 'CARRIER_UNAVAILABLE' } });
    expect(h.storage.has('parcel:PARCELLY:PY0000000001')).toBe(false);
  });

  it('refused credentials: CARRIER_AUTH_FAILED naming what to check', async () => {
    const h = await harness({ fetch: { [parcellyUrl('PY0000000001')]: { status: 401, json: { error: 'unauthorized' } } } });
    const s = await track(h, 'PARCELLY', 'PY0000000001');
    expect(s.syncError).toMatchObject({ code: 'CARRIER_AUTH_FAILED' });
    expect(h.logs.some((l) => l.level === 'error' && l.message.includes('PARCELLY_TOKEN'))).toBe(true);
  });
});

describe('order fulfilment', () => {
  const shipped = { type: 'order.status_changed', subjectId: 'order-1', payload: { from: 'PAID', to: 'SHIPPED' } };

  it('starts tracking a shipped order under its derived number and notes a delay on the timeline once, however often the event comes', async () => {
    const h = await harness({ data: { orders: [order(1)] }, fetch: { [parcellyUrl('MCORD1001')]: parcellyAnswer('MCORD1001', 'delayed', 'delayed') } });
    await h.deliverEvent({ ...shipped, id: 'evt-1' });
    await h.deliverEvent({ ...shipped, id: 'evt-2' });

    expect(stored(h, 'link:PARCELLY:MCORD1001')).toEqual({ orderId: 'order-1', customerId: 'customer-1', orderNumber: 'ORD-1001' });
    expect(stored(h, 'parcel:PARCELLY:MCORD1001')).toMatchObject({ parcel: { status: 'DELAYED' } });
    expect(h.data.interactions).toHaveLength(1);
    const note = h.data.interactions[0]!;
    expect(note).toMatchObject({ channel: 'EMAIL', direction: 'OUTBOUND', customer: { id: 'customer-1' }, subject: 'Your parcel is delayed (order ORD-1001)' });
    expect(note.body).toMatch(/Delayed at the .+ hub/);
    expect(note.body).toMatch(/New expected delivery: \w+day \d+ \w+ 20\d\d/);
    expect(note.body).toContain('reply to this message');
  });

  it('writes nothing for an on-time parcel, and ignores other status changes', async () => {
    const h = await harness({ data: { orders: [order(1)] }, fetch: { [parcellyUrl('MCORD1001')]: parcellyAnswer('MCORD1001', 'on-time', 10) } });
    await h.deliverEvent(shipped);
    await h.deliverEvent({ ...shipped, payload: { from: 'PENDING', to: 'PAID' } });
    expect(h.fetches).toHaveLength(1);
    expect(h.data.interactions).toHaveLength(0);
  });

  it('an order created as shipped starts tracking too; one created unpaid does not', async () => {
    const h = await harness({
      data: { orders: [order(1), order(2, { orderStatus: 'PENDING' })] },
      fetch: { [parcellyUrl('MCORD1001')]: parcellyAnswer('MCORD1001', 'lost', 'lost') },
    });
    await h.deliverEvent({ type: 'order.created', subjectId: 'order-1', payload: { number: 'ORD-1001', customerId: 'customer-1' } });
    await h.deliverEvent({ type: 'order.created', subjectId: 'order-2', payload: { number: 'ORD-1002', customerId: 'customer-1' } });
    expect(h.fetches.map((f) => f.url)).toEqual([parcellyUrl('MCORD1001')]);
    expect(h.storage.has('link:PARCELLY:MCORD1002')).toBe(false);
    expect(h.data.interactions.map((i) => i.subject)).toEqual(['Your parcel has been lost (order ORD-1001)']);
  });

  it('tracks the attached number instead of deriving one', async () => {
    const o = order(1);
    const h = await harness({
      data: { orders: [o] },
      storage: attached(o, [{ carrier: 'SHIPFAST', trackingNumber: 'SF0000012345' }]),
      fetch: { [SHIPFAST_TRACK]: shipfastAnswers({ SF0000012345: ['lost', 'lost'] }) },
    });
    await h.deliverEvent(shipped);
    expect(h.fetches.map((f) => f.method)).toEqual(['POST']);
    expect(h.data.interactions).toHaveLength(1);
    expect(h.data.interactions[0]).toMatchObject({ subject: 'Your parcel has been lost (order ORD-1001)' });
    expect(h.data.interactions[0]!.body).toContain('replacement or refund');
  });
});

describe('attaching a tracking number', () => {
  it('lists it on the order, links it to the customer and returns the parcel as the carrier has it', async () => {
    const o = order(1);
    const h = await harness({ data: { orders: [o] }, fetch: { [SHIPFAST_TRACK]: shipfastAnswers({ SF0000099999: ['on-time', 20] }) } });
    const [s] = (await h.resolve('Mutation.mosaic_shipmentTracking_attachTrackingNumber', [{}], { input: { orderId: 'order-1', carrier: 'SHIPFAST', trackingNumber: 'sf0000099999' } })) as Shipment[];
    expect(s).toMatchObject({ carrier: 'SHIPFAST', trackingNumber: 'SF0000099999', stale: false });
    expect(h.storage.get('attached:order-1:SHIPFAST:SF0000099999')).toBe(true);
    expect(stored(h, 'link:SHIPFAST:SF0000099999')).toMatchObject({ customerId: 'customer-1' });
  });

  it('replaces the number derived at fulfilment: the order shows the attached parcel only, and the guessed one is no longer linked to the customer', async () => {
    const o = order(1);
    const h = await harness({
      data: { orders: [o] },
      fetch: { [parcellyUrl('MCORD1001')]: parcellyAnswer('MCORD1001', 'on-time', 10), [SHIPFAST_TRACK]: shipfastAnswers({ SF0000099999: ['on-time', 20] }) },
    });
    await h.deliverEvent({ type: 'order.status_changed', subjectId: 'order-1', payload: { from: 'PAID', to: 'SHIPPED' } });
    expect(h.storage.has('link:PARCELLY:MCORD1001')).toBe(true);

    await h.resolve('Mutation.mosaic_shipmentTracking_attachTrackingNumber', [{}], { input: { orderId: 'order-1', carrier: 'SHIPFAST', trackingNumber: 'SF0000099999' } });
    expect(h.storage.has('link:PARCELLY:MCORD1001')).toBe(false);
    const [list] = (await h.resolve('Order.mosaic_shipmentTracking_shipments', [o])) as Shipment[][];
    expect(list!.map((s) => s.trackingNumber)).toEqual(['SF0000099999']);
  });

  it('refuses an unknown order with BAD_USER_INPUT and writes nothing', async () => {
    const h = await harness();
    const [result] = await h.resolve('Mutation.mosaic_shipmentTracking_attachTrackingNumber', [{}], { input: { orderId: 'order-9', carrier: 'PARCELLY', trackingNumber: 'PY0000000001' } })
      .catch((e: unknown) => [e]);
    expect(result).toMatchObject({ message: 'orderId: no order with this id' });
    expect(h.storage.size).toBe(0);
    expect(h.fetches).toHaveLength(0);
  });
});

describe('Customer.activeShipments', () => {
  it('reads the customer\'s recent orders through its input and leaves delivered parcels out', async () => {
    const h = await harness({
      fetch: {
        [parcellyUrl('MCORD1001')]: parcellyAnswer('MCORD1001', 'on-time', 10),
        [parcellyUrl('MCORD1002')]: parcellyAnswer('MCORD1002', 'delivered', 'delivered'),
      },
    });
    const orders = [order(1), order(2), order(3, { orderStatus: 'PENDING' })];
    const c = { ...customer(), orders: { edges: orders.map((node) => ({ node })) } };
    const [active] = (await h.resolve('Customer.mosaic_shipmentTracking_activeShipments', [c])) as Shipment[][];
    expect(active!.map((s) => s.trackingNumber)).toEqual(['MCORD1001']);
    expect(h.invocations.at(-1)!.parents![0]).toEqual({ id: 'customer-1', orders: { edges: orders.map((o) => ({ node: { id: o.id, orderNumber: o.orderNumber, orderStatus: o.orderStatus } })) } });
  });
});

describe('summaries and histories', () => {
  const event = { at: '2030-01-07T09:00:00.000Z', status: 'IN_TRANSIT', description: 'Arrived at Leipzig hub', location: { name: 'Leipzig hub', country: 'DE', lat: 51.42, lon: 12.24 } };
  const full = (checkedAt: string) => ({
    checkedAt,
    parcel: { carrier: 'SHIPFAST', trackingNumber: 'SF0000012345', status: 'IN_TRANSIT', eta: '2030-01-09T12:00:00.000Z', deliveredAt: null, lastLocation: event.location, events: [event] },
  });

  it('a parcel stored before summaries existed is listed from its full record, without the history, and asks no carrier', async () => {
    const o = order(1);
    const h = await harness({ storage: { ...attached(o, [{ carrier: 'SHIPFAST', trackingNumber: 'SF0000012345' }]), 'parcel:SHIPFAST:SF0000012345': full(new Date().toISOString()) } });
    const [list] = (await h.resolve('Order.mosaic_shipmentTracking_shipments', [o])) as Array<Array<Record<string, unknown>>>;
    expect(list).toEqual([expect.objectContaining({ trackingNumber: 'SF0000012345', status: 'IN_TRANSIT', lastLocation: event.location, stale: false })]);
    expect(list![0]).not.toHaveProperty('events');
    expect(h.fetches).toHaveLength(0);
    // Selected, the history and path come from storage through the shipment type's resolvers.
    expect(await h.resolve('Mosaic_ShipmentTracking_Shipment.events', list!)).toEqual([[event]]);
    expect(await h.resolve('Mosaic_ShipmentTracking_Shipment.path', list!)).toEqual([[{ lat: 51.42, lon: 12.24 }]]);
  });

  it('a refresh stores the summary beside the full record; a parcel nothing is stored of has no history', async () => {
    const h = await harness({ fetch: { [SHIPFAST_TRACK]: shipfastAnswers({ SF0000012345: ['on-time', 12] }) } });
    await track(h, 'SHIPFAST', 'SF0000012345');
    const summary = stored(h, 'summary:SHIPFAST:SF0000012345')!;
    const record = stored(h, 'parcel:SHIPFAST:SF0000012345') as { checkedAt: string; parcel: { events: unknown[] } };
    expect(record.parcel.events.length).toBeGreaterThan(0);
    expect(summary).toEqual({ checkedAt: record.checkedAt, parcel: Object.fromEntries(Object.entries(record.parcel).filter(([k]) => k !== 'events')) });
    expect(await h.resolve('Mosaic_ShipmentTracking_Shipment.events', [{ carrier: 'PARCELLY', trackingNumber: 'PY0000000009' }])).toEqual([[]]);
  });
});
