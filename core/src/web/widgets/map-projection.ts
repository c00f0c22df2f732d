import { geoMercator, type GeoProjection } from 'd3-geo';
import type { WidgetNode } from '@mosaic/sdk';

/** The `map` component of a widget tree. */
export type MapNode = Extract<WidgetNode, { type: 'map' }>;

/** A latitude/longitude box; `west` greater than `east` means it crosses the antimeridian. */
export interface GeoBox {
  south: number;
  west: number;
  north: number;
  east: number;
}

/** Zoom for a map whose content is a single spot and that names no zoom itself (a town). */
export const SINGLE_POINT_ZOOM = 10;
/** The closest a fitted map goes in, so two markers a metre apart still show their streets. */
export const MAX_FIT_ZOOM = 17;
// Mercator runs to infinity at the poles; web maps stop at about 85°.
const MAX_LAT = 85;
const PADDING = 24;

/**
 * Pixels of projection scale at a web-map zoom level: at zoom z the whole world is 256·2^z px
 * wide, and a Mercator projection of scale s draws it 2π·s px wide.
 */
export function scaleForZoom(zoom: number): number {
  return (256 * 2 ** zoom) / (2 * Math.PI);
}

/**
 * The area a map shows: its `bounds` when given, else the smallest box around its markers and
 * polyline, taking the shorter way round the globe (points at 179° and −179° are 2° apart).
 */
export function mapBox(node: MapNode): GeoBox {
  if (node.bounds) return node.bounds;
  const points = [...node.markers, ...(node.polyline ?? [])];
  const lats = points.map((p) => p.lat);
  const { west, east } = longitudeArc(points.map((p) => p.lon));
  return { south: Math.min(...lats), west, north: Math.max(...lats), east };
}

/** The shortest arc of longitude that holds every value: the circle minus its largest gap. */
export function longitudeArc(lons: number[]): { west: number; east: number } {
  const sorted = [...lons].sort((a, b) => a - b);
  let gap = sorted[0]! + 360 - sorted[sorted.length - 1]!;
  let west = sorted[0]!;
  let east = sorted[sorted.length - 1]!;
  for (let i = 1; i < sorted.length; i++) {
    const d = sorted[i]! - sorted[i - 1]!;
    if (d > gap) {
      gap = d;
      west = sorted[i]!;
      east = sorted[i - 1]!;
    }
  }
  return { west, east };
}

/** Degrees of longitude from `west` eastwards to `east`, crossing the antimeridian if need be. */
export function lonSpan(box: GeoBox): number {
  return box.west <= box.east ? box.east - box.west : box.east + 360 - box.west;
}

/**
 * A Mercator projection that shows the map's area in a `width`×`height` view: rotated so the
 * area's middle meridian is at the centre (an area across the antimeridian is then drawn in one
 * piece), fitted to the box, or centred on it at `zoom`; clipped to the view so nothing outside
 * it is written out.
 */
export function mapProjection(node: MapNode, width: number, height: number): GeoProjection {
  const box = mapBox(node);
  const span = lonSpan(box);
  const centerLon = normalizeLon(box.west + span / 2);
  const south = clampLat(box.south);
  const north = clampLat(box.north);
  const projection = geoMercator().rotate([-centerLon, 0]).clipExtent([[0, 0], [width, height]]);
  const degenerate = span < 1e-6 && north - south < 1e-6;
  if (node.zoom !== undefined || degenerate) {
    const zoom = node.zoom ?? SINGLE_POINT_ZOOM;
    return projection.center([0, (south + north) / 2]).scale(scaleForZoom(zoom)).translate([width / 2, height / 2]);
  }
  // Edge points along both parallels: with the rotation, ±half-span maps to the left and right
  // edges; 179.9 keeps a whole-world box from folding both edges onto the antimeridian.
  const half = Math.min(span / 2, 179.9);
  const coordinates: Array<[number, number]> = [];
  for (let k = 0; k <= 8; k++) {
    const lon = centerLon - half + (k * 2 * half) / 8;
    coordinates.push([lon, south], [lon, north]);
  }
  projection.fitExtent([[PADDING, PADDING], [width - PADDING, height - PADDING]], { type: 'MultiPoint', coordinates });
  if (projection.scale() > scaleForZoom(MAX_FIT_ZOOM)) {
    const [cx, cy] = projection.invert!([width / 2, height / 2])!;
    projection.center([0, cy]).rotate([-cx, 0]).scale(scaleForZoom(MAX_FIT_ZOOM)).translate([width / 2, height / 2]);
  }
  return projection;
}

function clampLat(lat: number): number {
  return Math.max(-MAX_LAT, Math.min(MAX_LAT, lat));
}

function normalizeLon(lon: number): number {
  return ((((lon + 180) % 360) + 360) % 360) - 180;
}
