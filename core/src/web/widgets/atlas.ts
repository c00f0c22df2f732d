import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { geoBounds } from 'd3-geo';
import type { LineString, MultiLineString, MultiPolygon, Polygon, Position } from 'geojson';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';

/** How fine the coastlines are: `coarse` (1:110m) for wide views, `fine` (1:50m) zoomed in. */
export type AtlasDetail = 'coarse' | 'fine';

/** A piece of the atlas with its extent, so a view can skip what lies outside it before projecting. */
export interface AtlasPiece<G> {
  geometry: G;
  /** `west` greater than `east` when the piece crosses the antimeridian. */
  west: number;
  east: number;
  south: number;
  north: number;
}

/** Land (one polygon per country part), coastlines and the borders between countries. */
export interface AtlasLayers {
  land: Array<AtlasPiece<Polygon>>;
  coast: Array<AtlasPiece<LineString>>;
  borders: Array<AtlasPiece<LineString>>;
}

// Land is filled from the land file where it is small (no edges shared between countries, so
// the fewest points); zoomed in, from the countries, whose pieces are small enough to skip the
// ones out of view (the land file holds Africa and Eurasia as a single polygon).
const FILES: Record<AtlasDetail, { land: string; landObject: string; countries: string }> = {
  coarse: { land: 'world-atlas/land-110m.json', landObject: 'land', countries: 'world-atlas/countries-110m.json' },
  fine: { land: 'world-atlas/countries-50m.json', landObject: 'countries', countries: 'world-atlas/countries-50m.json' },
};
// Long coast lines are cut into runs of this many points so a zoomed view projects only its own.
const LINE_CHUNK = 64;

// Resolved through node's module lookup from this file, so it finds the installed package from
// `src/` under vitest and from the bundled `dist/` alike; nothing is fetched from elsewhere.
const require = createRequire(import.meta.url);
const loaded = new Map<AtlasDetail, AtlasLayers>();

/**
 * The world at one level of detail, read and cut into pieces on first use and kept for the life
 * of the process (tens of milliseconds for the coarse files and about 100 ms for the fine one, once).
 */
export function atlasLayers(detail: AtlasDetail): AtlasLayers {
  const cached = loaded.get(detail);
  if (cached) return cached;
  const files = FILES[detail];
  const landTopology = readTopology(files.land);
  const countriesTopology = files.countries === files.land ? landTopology : readTopology(files.countries);
  const landObject = landTopology.objects[files.landObject] as GeometryCollection;
  const countries = countriesTopology.objects['countries'] as GeometryCollection;
  const landFeatures = feature(landTopology, landObject).features;
  const layers: AtlasLayers = {
    land: landFeatures.flatMap((f) => polygons(f.geometry as Polygon | MultiPolygon | null)).map((p) => piece(p)),
    // An arc used by one shape only is coast; one shared by two countries is a border.
    coast: lineChunks(mesh(landTopology, landObject, (a, b) => a === b)),
    borders: lineChunks(mesh(countriesTopology, countries, (a, b) => a !== b)),
  };
  loaded.set(detail, layers);
  return layers;
}

function readTopology(specifier: string): Topology {
  return JSON.parse(readFileSync(require.resolve(specifier), 'utf8')) as Topology;
}

function polygons(geometry: Polygon | MultiPolygon | null): Polygon[] {
  if (!geometry) return [];
  if (geometry.type === 'Polygon') return [geometry];
  return geometry.coordinates.map((coordinates) => ({ type: 'Polygon', coordinates }));
}

function lineChunks(lines: MultiLineString): Array<AtlasPiece<LineString>> {
  const pieces: Array<AtlasPiece<LineString>> = [];
  for (const line of lines.coordinates) {
    // Chunks share their end points so the drawn line has no gaps.
    for (let start = 0; start < line.length - 1; start += LINE_CHUNK) {
      const coordinates: Position[] = line.slice(start, start + LINE_CHUNK + 1);
      pieces.push(piece({ type: 'LineString', coordinates }));
    }
  }
  return pieces;
}

function piece<G extends Polygon | LineString>(geometry: G): AtlasPiece<G> {
  const [[west, south], [east, north]] = geoBounds(geometry);
  return { geometry, west, east, south, north };
}
