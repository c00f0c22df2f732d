/** Great-circle geometry on a spherical Earth: good to about 0.5 %, plenty for "which is nearest". */

export interface Point {
  lat: number;
  lon: number;
}

/** The mean Earth radius (IUGG), in km. */
export const EARTH_RADIUS_KM = 6371.0088;

const radians = (degrees: number) => (degrees * Math.PI) / 180;

/** The haversine distance between two points, in km (stable for short and antipodal distances). */
export function greatCircleKm(a: Point, b: Point): number {
  const dLat = radians(b.lat - a.lat);
  const dLon = radians(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(radians(a.lat)) * Math.cos(radians(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The `first` places nearest to `from`, nearest first, each with its distance rounded to 0.1 km; ties keep their order. */
export function nearest<T extends Point>(from: Point, places: readonly T[], first: number): Array<T & { distanceKm: number }> {
  return places
    .map((place, index) => ({ place, index, km: greatCircleKm(from, place) }))
    .sort((a, b) => a.km - b.km || a.index - b.index)
    .slice(0, first)
    .map(({ place, km }) => ({ ...place, distanceKm: Math.round(km * 10) / 10 }));
}

export interface Bounds {
  south: number;
  west: number;
  north: number;
  east: number;
}

/**
 * The smallest box around the points, widened by `padDegrees` and kept on the globe. Longitudes
 * are taken as they are (no antimeridian crossing): enough for customers and parcels on one continent.
 */
export function boundsOf(points: readonly Point[], padDegrees = 0.5): Bounds | null {
  if (points.length === 0) return null;
  const lats = points.map((p) => p.lat);
  const lons = points.map((p) => p.lon);
  // Rounded to 1e-6° (about 0.1 m), so padding leaves no float noise such as 1.8488000000000002.
  const round = (degrees: number) => Math.round(degrees * 1e6) / 1e6;
  return {
    south: round(Math.max(-90, Math.min(...lats) - padDegrees)),
    west: round(Math.max(-180, Math.min(...lons) - padDegrees)),
    north: round(Math.min(90, Math.max(...lats) + padDegrees)),
    east: round(Math.min(180, Math.max(...lons) + padDegrees)),
  };
}

/** A coordinate pair read from data of unknown shape (another plugin's field), or null. */
export function readPoint(value: unknown): Point | null {
  if (value === null || typeof value !== 'object') return null;
  const { lat, lon } = value as { lat?: unknown; lon?: unknown };
  if (typeof lat !== 'number' || typeof lon !== 'number' || !Number.isFinite(lat) || !Number.isFinite(lon)) return null;
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return { lat, lon };
}
