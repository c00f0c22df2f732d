import { boundsOf, readPoint, type Bounds, type Point } from './geo.js';
import type { GeoLocation } from './geocoder.js';

/**
 * An order's route from what its declared input reads: the customer's location (geocoded by this
 * plugin) and, when shipment tracking is installed, its shipments' last locations and paths.
 * Those come through the schema (`mosaic_shipmentTracking_shipments`, selected `@optional`), so
 * this code never calls the other plugin; their shape is checked here, as for any outside data.
 */

export interface Marker extends Point {
  kind: 'CUSTOMER' | 'SHIPMENT';
  label: string;
  /** A SHIPMENT marker's status as shipment tracking gives it; null otherwise. */
  status: string | null;
}

/** The shape of Mosaic_Maps_Route. */
export interface Route {
  markers: Marker[];
  path: Point[];
  bounds: Bounds | null;
}

/** What the route reads of a shipment: a label, its status, where it is, where it has been. */
export interface ShipmentTrack {
  label: string;
  /** Shipment tracking's status (DELAYED, LOST, …), as text: this plugin only colours by it. */
  status: string | null;
  last: Point | null;
  path: Point[];
}

/** The shipments of one order as shipment tracking's field gives them; absent or malformed is none. */
export function readShipments(value: unknown): ShipmentTrack[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((s: unknown, i) => {
    if (s === null || typeof s !== 'object') return [];
    const { trackingNumber, status, lastLocation, path } = s as { trackingNumber?: unknown; status?: unknown; lastLocation?: unknown; path?: unknown };
    const parcel = typeof trackingNumber === 'string' && trackingNumber ? `Parcel ${trackingNumber}` : `Parcel ${i + 1}`;
    const place = (lastLocation as { name?: unknown } | null)?.name;
    const label = typeof place === 'string' && place ? `${parcel} · ${place}` : parcel;
    return readTrack(label, typeof status === 'string' ? status : null, lastLocation, path) ?? [];
  });
}

/** A track from data of unknown shape (another plugin's, or storage): null when nothing in it can be placed. */
export function readTrack(label: string, status: string | null, last: unknown, path: unknown): ShipmentTrack | null {
  const points = Array.isArray(path) ? path.map(readPoint).filter((p): p is Point => p !== null) : [];
  const lastPoint = readPoint(last) ?? points.at(-1) ?? null;
  return lastPoint || points.length ? { label: label.slice(0, 100), status: status?.slice(0, 40) ?? null, last: lastPoint, path: points } : null;
}

/** Whatever is known, drawn: a route with nothing placeable is null. */
export function buildRoute(customer: { name?: string; location: GeoLocation | null }, shipments: readonly ShipmentTrack[]): Route | null {
  const markers: Marker[] = [];
  if (customer.location) {
    const label = customer.name ? customer.name.slice(0, 100) : 'Customer';
    markers.push({ kind: 'CUSTOMER', label, status: null, lat: customer.location.lat, lon: customer.location.lon });
  }
  for (const s of shipments) if (s.last) markers.push({ kind: 'SHIPMENT', label: s.label, status: s.status, lat: s.last.lat, lon: s.last.lon });
  // One line per map: the last shipment listed that has travelled.
  const path = [...shipments].reverse().find((s) => s.path.length >= 2)?.path ?? [];
  if (!markers.length && !path.length) return null;
  return { markers, path, bounds: boundsOf([...markers, ...path]) };
}

/** At most `max` points, evenly picked, first and last kept: enough to draw, small enough to store. */
export function thin(points: readonly Point[], max: number): Point[] {
  if (points.length <= max) return [...points];
  const step = (points.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => points[Math.round(i * step)]!);
}
