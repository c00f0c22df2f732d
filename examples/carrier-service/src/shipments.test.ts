import { describe, expect, it } from 'vitest';
import { isUnknown, shipmentFor, TRACKING_NUMBER } from './shipments.js';

const NUMBERS = Array.from({ length: 200 }, (_, i) => `MCORD${String(i).padStart(8, '0')}`);

describe('shipmentFor', () => {
  it('is a pure function of the tracking number', () => {
    expect(shipmentFor('MCORD00000001')).toEqual(shipmentFor('MCORD00000001'));
    expect(shipmentFor('MCORD00000001')).not.toEqual(shipmentFor('MCORD00000002'));
  });

  it('tells a consistent story: events in time order, the last one is the status and location', () => {
    for (const n of NUMBERS) {
      const s = shipmentFor(n);
      const times = s.events.map((e) => Date.parse(e.at));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      const last = s.events.at(-1)!;
      expect(last.status).toBe(s.status);
      expect(s.lastLocation).toEqual(last.location);
      expect(s.events[0]?.status).toBe('LABEL_CREATED');
      expect(s.deliveredAt).toBe(s.status === 'DELIVERED' ? last.at : null);
      if (s.status === 'DELIVERED') expect(s.estimatedDelivery).toBe(s.deliveredAt);
      expect(Math.abs(s.lastLocation.lat)).toBeLessThanOrEqual(90);
      expect(Math.abs(s.lastLocation.lng)).toBeLessThanOrEqual(180);
    }
  });

  it('covers every status across numbers', () => {
    const seen = new Set(NUMBERS.map((n) => shipmentFor(n).status));
    expect([...seen].sort()).toEqual(['DELIVERED', 'EXCEPTION', 'IN_TRANSIT', 'LABEL_CREATED', 'OUT_FOR_DELIVERY']);
  });

  it('depends on the number, the epoch and the time only, and moves on as time passes', () => {
    const epoch = Date.parse('2030-01-07T08:00:00Z');
    const at = (hours: number) => shipmentFor('MCORD00000007', { epoch, now: epoch + hours * 3_600_000 });
    expect(at(0)).toEqual(at(0));
    expect(Date.parse(at(0).events[0]!.at)).toBeLessThanOrEqual(epoch);
    const counts = [0, 12, 24, 48, 240].map((h) => at(h).events.length);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.at(-1)).toBeGreaterThan(counts[0]!);
    expect(['DELIVERED', 'EXCEPTION']).toContain(at(240).status);
  });

  it('gives a live parcel an ETA after now, and says why it is an exception', () => {
    const epoch = Date.parse('2030-01-07T08:00:00Z');
    const reasons = new Set<string | null>();
    for (const n of NUMBERS) {
      const s = shipmentFor(n, { epoch, now: epoch });
      if (s.status !== 'DELIVERED' && s.estimatedDelivery !== null) expect(Date.parse(s.estimatedDelivery)).toBeGreaterThan(epoch);
      expect(s.exceptionReason === null).toBe(s.status !== 'EXCEPTION');
      reasons.add(s.exceptionReason);
    }
    expect([...reasons].sort()).toEqual(['DELAYED', 'DELIVERY_FAILED', 'LOST', null]);
  });
});

describe('tracking number rules', () => {
  it('accepts 8 to 40 upper-case letters and digits; numbers ending in 404 are unknown', () => {
    expect(TRACKING_NUMBER.test('MCORD0001')).toBe(true);
    expect(TRACKING_NUMBER.test('MC-1')).toBe(false);
    expect(TRACKING_NUMBER.test('X'.repeat(41))).toBe(false);
    expect(isUnknown('MCORD00404')).toBe(true);
    expect(isUnknown('MCORD00405')).toBe(false);
  });
});
