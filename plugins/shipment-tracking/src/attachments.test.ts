import { describe, expect, it } from 'vitest';
import { attached, order, SHIPFAST_TRACK, shipfastAnswers } from './fixtures.js';
import { useHarnesses } from './test-harness.js';

const harness = useHarnesses();
const SHIPMENTS = 'Order.mosaic_shipmentTracking_shipments';
const numberOf = (i: number) => `SF${String(10_000_000 + i)}`;
/** What the carrier said a minute ago: fresh, so reads ask no carrier. */
const known = (trackingNumber: string) => ({
  [`summary:SHIPFAST:${trackingNumber}`]: {
    checkedAt: new Date(Date.now() - 60_000).toISOString(),
    parcel: { carrier: 'SHIPFAST', trackingNumber, status: 'IN_TRANSIT', eta: null, deliveredAt: null, lastLocation: null },
  },
});

describe('attachments by order', () => {
  it('parcels attached before the per-order keys are read from the list and moved to their keys a few orders per call', async () => {
    const orders = Array.from({ length: 12 }, (_, i) => order(i + 1));
    const storage = Object.assign({}, ...orders.map((o, i) => ({ ...attached(o, [{ carrier: 'SHIPFAST', trackingNumber: numberOf(i) }]), ...known(numberOf(i)) })));
    const h = await harness({ storage, config: { deriveTrackingNumbers: false } });
    const read = async () => ((await h.resolve(SHIPMENTS, orders)) as Array<Array<{ trackingNumber: string }>>).map((list) => list.map((s) => s.trackingNumber));
    const expected = orders.map((_, i) => [numberOf(i)]);

    expect(await read()).toEqual(expected);
    expect(h.storage.get('attachments:indexed')).toBeUndefined();
    expect(await read()).toEqual(expected);
    // 12 orders, 10 per call: the third read finds none left and marks the index complete.
    expect(await read()).toEqual(expected);
    expect(h.storage.get('attachments:indexed')).toBe(true);
    expect(h.storage.get('order:order-12')).toEqual([`SHIPFAST:${numberOf(11)}`]);
    // From now on the per-order keys answer: the old keys are no longer read.
    h.storage.delete('attached:order-1:SHIPFAST:' + numberOf(0));
    expect(await read()).toEqual(expected);
  });

  it('a new tenant is indexed at once, and an attachment writes the order\'s key with all its parcels', async () => {
    const o = order(1);
    const h = await harness({
      data: { orders: [o] },
      config: { deriveTrackingNumbers: false },
      fetch: { [SHIPFAST_TRACK]: shipfastAnswers({ [numberOf(1)]: ['on-time', 20], [numberOf(2)]: ['on-time', 20] }) },
    });
    expect(await h.resolve(SHIPMENTS, [o])).toEqual([[]]);
    expect(h.storage.get('attachments:indexed')).toBe(true);
    const attach = (trackingNumber: string) =>
      h.resolve('Mutation.mosaic_shipmentTracking_attachTrackingNumber', [{}], { input: { orderId: o.id, carrier: 'SHIPFAST', trackingNumber } });
    await attach(numberOf(1));
    await attach(numberOf(2));
    expect(h.storage.get('order:order-1')).toEqual([`SHIPFAST:${numberOf(1)}`, `SHIPFAST:${numberOf(2)}`]);
    const [list] = (await h.resolve(SHIPMENTS, [o])) as Array<Array<{ trackingNumber: string }>>;
    expect(list!.map((s) => s.trackingNumber)).toEqual([numberOf(1), numberOf(2)]);
  });
});
