import type { JsonValue } from '@mosaic/sdk';
import { createTestHarness, type TestHarness } from '@mosaic/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { attached, customer, order, parcellyAnswer, parcellyUrl, SECRETS } from './fixtures.js';
import { builtPlugin } from './test-harness.js';

let h: TestHarness;

/** A push as the host hands it over once its signature checked out. */
const deliverPush = (body: unknown) => h.deliverWebhook('carrier-status', { body: body as JsonValue });

afterEach(async () => {
  await h?.close();
});

async function setUp(storage: Record<string, unknown> = {}, fetch = {}) {
  const built = await builtPlugin();
  h = await createTestHarness({ code: built.code, manifest: built.manifest }, {
    secrets: SECRETS, data: { customers: [customer()], orders: [order(1)] }, storage: storage as never, fetch,
  });
}

// As the carrier simulator sends them (examples/carrier-service, "Status webhooks").
const push = (over: Record<string, unknown> = {}) => ({
  eventId: 'evt_1', deliveryId: 'dlv_1', carrier: 'shipfast', trackingNumber: 'SF0000012345',
  status: 'in_transit', description: 'Arrived at Leipzig hub', occurredAt: '2030-01-07T12:00:00.000Z', estimatedDelivery: '2030-01-09T12:00:00.000Z',
  ...over,
});
const linked = () => attached(order(1), [{ carrier: 'SHIPFAST', trackingNumber: 'SF0000012345' }]);
const parcel = () => h.storage.get('parcel:SHIPFAST:SF0000012345') as { parcel: { status: string; eta: string | null; events: unknown[] } } | undefined;

describe('carrier status webhook', () => {
  it('declares a signed webhook in the manifest', async () => {
    await setUp();
    expect(h.manifest.webhooks).toEqual([{ name: 'carrier-status', secret: 'CARRIER_WEBHOOK_SECRET', description: expect.any(String) }]);
  });

  it('folds a status push into the stored parcel: status, ETA and the event', async () => {
    await setUp(linked());
    const res = await deliverPush(push());
    expect(res).toEqual({ status: 200, body: { ok: true, status: 'IN_TRANSIT', tracked: true } });
    expect(parcel()!.parcel).toMatchObject({ status: 'IN_TRANSIT', eta: '2030-01-09T12:00:00.000Z', events: [{ status: 'IN_TRANSIT', description: 'Arrived at Leipzig hub' }] });
    expect(h.data.interactions).toHaveLength(0);
  });

  it('writes exactly one proactive note for a delay, also when the webhook is delivered twice', async () => {
    await setUp(linked());
    const delay = push({ eventId: 'evt_2', status: 'delayed', description: 'Delayed at the Leipzig hub: missed the line-haul connection', estimatedDelivery: '2030-01-11T12:00:00.000Z' });
    expect((await deliverPush({ ...delay, deliveryId: 'dlv_a' })).status).toBe(200);
    expect((await deliverPush({ ...delay, deliveryId: 'dlv_b' })).status).toBe(200);

    expect(h.data.interactions).toHaveLength(1);
    const note = h.data.interactions[0]!;
    expect(note).toMatchObject({ customer: { id: 'customer-1' }, direction: 'OUTBOUND', channel: 'EMAIL', subject: 'Your parcel is delayed (order ORD-1001)' });
    expect(note.body).toContain('Delayed at the Leipzig hub');
    expect(note.body).toContain('New expected delivery: Friday 11 January 2030');
    expect(note.body).toContain('reply to this message');
    // The same event twice is one event.
    expect(parcel()!.parcel.events).toHaveLength(1);
  });

  it('reads Parcelly\'s EXCEPTION by its description: a loss, with its own note and no ETA', async () => {
    await setUp(attached(order(1), [{ carrier: 'PARCELLY', trackingNumber: 'PY0000000001' }]));
    await deliverPush(push({ carrier: 'parcelly', trackingNumber: 'PY0000000001', status: 'EXCEPTION', description: 'Declared lost; the sender has been notified', estimatedDelivery: null }));
    expect(h.storage.get('parcel:PARCELLY:PY0000000001')).toMatchObject({ parcel: { status: 'LOST', eta: null } });
    expect(h.data.interactions).toHaveLength(1);
    expect(h.data.interactions[0]!.subject).toBe('Your parcel has been lost (order ORD-1001)');
    expect(h.data.interactions[0]!.body).not.toContain('expected delivery');
  });

  it('a second delay event adds no second note; a loss afterwards is an incident of its own (one key per carrier, number and kind)', async () => {
    await setUp(linked());
    await deliverPush(push({ eventId: 'evt_2', status: 'delayed', description: 'Not scanned as expected; we are looking for the parcel' }));
    await deliverPush(push({ eventId: 'evt_3', status: 'delayed', description: 'Not scanned as expected; we are looking for the parcel', occurredAt: '2030-01-07T13:00:00.000Z' }));
    await deliverPush(push({ eventId: 'evt_4', status: 'lost', description: 'Declared lost; the sender has been notified', occurredAt: '2030-01-10T13:00:00.000Z', estimatedDelivery: null }));
    expect(h.data.interactions.map((i) => i.subject)).toEqual(['Your parcel is delayed (order ORD-1001)', 'Your parcel has been lost (order ORD-1001)']);
  });

  it('an older event joins the history without moving the status back', async () => {
    await setUp(linked());
    await deliverPush(push({ status: 'out_for_delivery', description: 'Out for delivery', occurredAt: '2030-01-08T08:00:00.000Z' }));
    await deliverPush(push({ eventId: 'evt_0', status: 'in_transit', occurredAt: '2030-01-07T12:00:00.000Z' }));
    expect(parcel()!.parcel).toMatchObject({ status: 'OUT_FOR_DELIVERY', events: [{ status: 'IN_TRANSIT' }, { status: 'OUT_FOR_DELIVERY' }] });
  });

  it('stores a push about a parcel no order has, without a note', async () => {
    await setUp();
    const res = await deliverPush(push({ status: 'delayed' }));
    expect(res.body).toEqual({ ok: true, status: 'DELAYED', tracked: false });
    expect(h.data.interactions).toHaveLength(0);
  });

  it.each([
    ['not JSON', '{"eventId":', 'INVALID_JSON'],
    ['an unknown carrier', push({ carrier: 'dhl' }), 'INVALID_BODY'],
    ['a malformed tracking number', push({ trackingNumber: '../../x' }), 'INVALID_BODY'],
    ['a time without offset', push({ occurredAt: 'yesterday' }), 'INVALID_BODY'],
  ])('refuses %s with 400 and a code, writing nothing', async (_what, body, code) => {
    await setUp(linked());
    const before = new Map(h.storage);
    const res = await deliverPush(body);
    expect(res).toMatchObject({ status: 400, body: { error: { code } } });
    expect(h.storage).toEqual(before);
    expect(h.data.interactions).toHaveLength(0);
  });

  it('after a push, a read inside the freshness window serves the pushed state without asking the carrier', async () => {
    await setUp(linked(), { [parcellyUrl('MCORD1001')]: parcellyAnswer('MCORD1001', 'on-time', 1) });
    h.storage.set('parcel:SHIPFAST:SF0000012345', { checkedAt: new Date().toISOString(), parcel: null });
    await deliverPush(push({ status: 'out_for_delivery', description: 'Out for delivery' }));
    const [list] = (await h.resolve('Order.mosaic_shipmentTracking_shipments', [order(1)])) as Array<Array<{ status: string }>>;
    expect(list![0]).toMatchObject({ status: 'OUT_FOR_DELIVERY' });
    expect(h.fetches).toHaveLength(0);
  });
});
