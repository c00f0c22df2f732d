import { describe, expect, it } from 'vitest';
import { boundsOf, greatCircleKm, nearest, readPoint } from './geo.js';

const PARIS = { lat: 48.8566, lon: 2.3522 };
const LONDON = { lat: 51.5074, lon: -0.1278 };
const NEW_YORK = { lat: 40.7128, lon: -74.006 };
const SYDNEY = { lat: -33.8688, lon: 151.2093 };

describe('great-circle distances', () => {
  it('matches known distances between cities', () => {
    expect(greatCircleKm(PARIS, LONDON)).toBeCloseTo(343.6, 1);
    expect(greatCircleKm(LONDON, NEW_YORK)).toBeCloseTo(5570, -1);
    expect(greatCircleKm(PARIS, SYDNEY)).toBeCloseTo(16_960, -2);
  });

  it('is zero for one place, symmetric, and half the circumference for antipodes', () => {
    expect(greatCircleKm(PARIS, PARIS)).toBe(0);
    expect(greatCircleKm(PARIS, LONDON)).toBe(greatCircleKm(LONDON, PARIS));
    expect(greatCircleKm({ lat: 0, lon: 0 }, { lat: 0, lon: 180 })).toBeCloseTo(Math.PI * 6371.0088, 3);
  });

  it('crosses the antimeridian the short way', () => {
    expect(greatCircleKm({ lat: 0, lon: 179.5 }, { lat: 0, lon: -179.5 })).toBeCloseTo(111.2, 0);
  });
});

describe('nearest', () => {
  const places = [
    { name: 'Sydney', ...SYDNEY },
    { name: 'London', ...LONDON },
    { name: 'New York', ...NEW_YORK },
    { name: 'London again', ...LONDON },
  ];

  it('orders by distance, keeps ties in their given order, rounds to 0.1 km and stops at first', () => {
    const found = nearest(PARIS, places, 3);
    expect(found.map((p) => p.name)).toEqual(['London', 'London again', 'New York']);
    expect(found[0]).toEqual({ name: 'London', ...LONDON, distanceKm: 343.6 });
    expect(nearest(PARIS, places, 10)).toHaveLength(4);
    expect(nearest(PARIS, [], 3)).toEqual([]);
  });
});

describe('bounds and points', () => {
  it('boxes the points with padding, clamped to the globe', () => {
    expect(boundsOf([PARIS, LONDON], 0)).toEqual({ south: 48.8566, west: -0.1278, north: 51.5074, east: 2.3522 });
    expect(boundsOf([{ lat: 89.9, lon: 179.9 }], 1)).toEqual({ south: 88.9, west: 178.9, north: 90, east: 180 });
    expect(boundsOf([{ lat: 48.85341, lon: 2.3488 }])).toEqual({ south: 48.35341, west: 1.8488, north: 49.35341, east: 2.8488 });
    expect(boundsOf([])).toBeNull();
  });

  it('reads only finite coordinates in range', () => {
    expect(readPoint({ lat: 1, lon: 2, extra: true })).toEqual({ lat: 1, lon: 2 });
    for (const bad of [null, 'x', { lat: '1', lon: 2 }, { lat: Number.NaN, lon: 0 }, { lat: 91, lon: 0 }, { lat: 0, lon: -181 }, { lat: 0 }]) {
      expect(readPoint(bad)).toBeNull();
    }
  });
});
