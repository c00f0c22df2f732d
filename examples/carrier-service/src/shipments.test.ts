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
      expect(Math.abs(s.lastLocation.lat)).toBeLessThanOrEqual(90);
      expect(Math.abs(s.lastLocation.lng)).toBeLessThanOrEqual(180);
    }
  });

  it('covers every status across numbers', () => {
    const seen = new Set(NUMBERS.map((n) => shipmentFor(n).status));
    expect([...seen].sort()).toEqual(['DELIVERED', 'EXCEPTION', 'IN_TRANSIT', 'LABEL_CREATED', 'OUT_FOR_DELIVERY']);
  });

  it('does not depend on the clock', () => {
    expect(shipmentFor('MCORD00000007').events[0]?.at.startsWith('2025-')).toBe(true);
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
