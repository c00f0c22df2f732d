import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { GeoPermissibleObjects } from 'd3-geo';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';

/** How fine the coastlines are: `coarse` for wide views, `fine` once the map is zoomed in. */
export type AtlasDetail = 'coarse' | 'fine';

/** Land and the borders between countries, as GeoJSON ready for d3-geo. */
export interface AtlasLayers {
  land: GeoPermissibleObjects;
  borders: GeoPermissibleObjects;
}

const FILES: Record<AtlasDetail, { land: string; countries: string }> = {
  coarse: { land: 'world-atlas/land-110m.json', countries: 'world-atlas/countries-110m.json' },
  fine: { land: 'world-atlas/land-50m.json', countries: 'world-atlas/countries-50m.json' },
};

// Resolved through node's module lookup from this file, so it finds the installed package from
// `src/` under vitest and from the bundled `dist/` alike; nothing is fetched from elsewhere.
const require = createRequire(import.meta.url);
const loaded = new Map<AtlasDetail, AtlasLayers>();

function readTopology(specifier: string): Topology {
  return JSON.parse(readFileSync(require.resolve(specifier), 'utf8')) as Topology;
}

/**
 * The world at one level of detail, read and converted on first use and kept for the life of the
 * process (the fine files take tens of milliseconds to parse; the coarse ones a few).
 */
export function atlasLayers(detail: AtlasDetail): AtlasLayers {
  const cached = loaded.get(detail);
  if (cached) return cached;
  const landTopo = readTopology(FILES[detail].land);
  const countriesTopo = readTopology(FILES[detail].countries);
  const land = landTopo.objects['land'] as GeometryCollection;
  const countries = countriesTopo.objects['countries'] as GeometryCollection;
  const layers: AtlasLayers = {
    land: feature(landTopo, land),
    // Only shared arcs (a !== b) are borders; coastlines come from the land layer.
    borders: mesh(countriesTopo, countries, (a, b) => a !== b),
  };
  loaded.set(detail, layers);
  return layers;
}
