import type { Tone } from '@mosaic/sdk';
import { geoPath, type GeoPath, type GeoProjection } from 'd3-geo';
import type { LineString, Polygon, Position } from 'geojson';
import { LRUCache } from 'lru-cache';
import { atlasLayers, type AtlasDetail, type AtlasPiece } from './atlas.js';
import { escapeMarkup as esc } from './escape.js';
import { lonSpan, mapProjection, type GeoBox, type MapNode } from './map-projection.js';
import { TONE_WORDS, TONES } from './tones.js';

/** Size of the drawing in CSS pixels (the SVG scales down to its container through its viewBox). */
export interface MapSvgOptions {
  width: number;
  height: number;
  /** The text a screen reader hears for the map; an English summary of what it shows by default. */
  label?: string;
  /** Words for the markers' tones in their titles; English by default. */
  toneWords?: Partial<Record<Tone, string>>;
  /** The most the markup may weigh; `MAP_SVG_MAX_BYTES` by default. */
  maxBytes?: number;
}

/** The most a map's markup may weigh; coastline detail gives way first, then borders. */
export const MAP_SVG_MAX_BYTES = 512 * 1024;
const LAND_BUDGET = 320 * 1024;
const BORDERS_BUDGET = 96 * 1024;
// More labels than this overlap into noise; each marker keeps its <title> and the summary.
const MAX_DRAWN_LABELS = 25;
const SUMMARY_LABELS = 5;
// A view showing less than a third of the world's width is zoomed in enough for finer coasts.
const FINE_DETAIL_RATIO = 3;

const COLOURS = { sea: '#dbe7f3', land: '#f4f4ef', coast: '#8a9099', border: '#a3a9b1', route: '#1d4ed8', halo: '#ffffff', text: '#111827' };

/**
 * Draws a widget's `map` offline as an accessible SVG figure: coastlines and borders from the
 * installed world atlas (no tile server), the route as a path, markers as circles with their
 * label, and the caption as the figure's caption. Every plugin-supplied string is escaped.
 * @example
 * mapSvg({ type: 'map', markers: [{ lat: 48.86, lon: 2.35, label: 'Paris hub' }] }, { width: 640, height: 360 })
 */
export function mapSvg(node: MapNode, options: MapSvgOptions): string {
  const { width, height } = options;
  const projection = mapProjection(node, width, height);
  const path = geoPath(projection).digits(1);
  const worldWidth = 2 * Math.PI * projection.scale();
  const detail: AtlasDetail = worldWidth > FINE_DETAIL_RATIO * width ? 'fine' : 'coarse';
  const atlas = cachedAtlas(path, projection, detail, width, height);
  const route = node.polyline
    ? path({ type: 'LineString', coordinates: node.polyline.map((p) => [p.lon, p.lat]) }) ?? ''
    : '';
  const toneWords = { ...TONE_WORDS, ...options.toneWords };
  const open = `<figure class="mw-map"><svg class="mw-map-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" `
    + `width="${width}" height="${height}" role="img" aria-label="${esc(options.label ?? summarise(node))}" focusable="false">`
    + `<rect width="${width}" height="${height}" fill="${COLOURS.sea}"/>`;
  const close = `</svg>${node.caption ? `<figcaption>${esc(node.caption)}</figcaption>` : ''}</figure>`;
  const routePath = route
    ? `<path class="mw-map-route" d="${route}" fill="none" stroke="${COLOURS.route}" stroke-width="3" stroke-linejoin="round" stroke-linecap="round"/>`
    : '';
  // Over the cap (long labels full of characters that escape to entities, on detailed coasts),
  // the drawn labels go first (each marker keeps its <title>), then the atlas.
  const attempts = [
    () => [atlasPaths(atlas), routePath, drawMarkers(node, projection, width, height, toneWords, true)],
    () => [atlasPaths(atlas), routePath, drawMarkers(node, projection, width, height, toneWords, false)],
    () => [routePath, drawMarkers(node, projection, width, height, toneWords, false)],
  ];
  let svg = '';
  for (const attempt of attempts) {
    svg = open + attempt().join('') + close;
    if (svg.length <= (options.maxBytes ?? MAP_SVG_MAX_BYTES)) break;
  }
  return svg;
}

function atlasPaths({ land, coast, borders }: DrawnAtlas): string {
  return (land ? `<path d="${land}" fill="${COLOURS.land}"/>` : '')
    + (coast ? `<path d="${coast}" fill="none" stroke="${COLOURS.coast}" stroke-width="0.6"/>` : '')
    + (borders ? `<path d="${borders}" fill="none" stroke="${COLOURS.border}" stroke-width="0.5" stroke-dasharray="2 2"/>` : '');
}

/**
 * Drawn atlases by view. Projecting the coastlines is most of a map's cost (milliseconds), and a
 * page shows the same customer's map at the same place on every visit: the view's parameters
 * decide the drawing entirely, so it is kept (bounded by the characters held).
 */
const drawnAtlases = new LRUCache<string, DrawnAtlas>({
  maxSize: 16 * 1024 * 1024,
  sizeCalculation: (a) => a.land.length + a.coast.length + a.borders.length + 1,
});

function cachedAtlas(path: GeoPath, projection: GeoProjection, detail: AtlasDetail, width: number, height: number): DrawnAtlas {
  const view = [projection.rotate(), projection.center(), projection.translate(), [projection.scale()]].flat();
  const key = `${detail}|${width}x${height}|${view.map((v) => v.toPrecision(12)).join(',')}`;
  let atlas = drawnAtlases.get(key);
  if (!atlas) drawnAtlases.set(key, (atlas = drawAtlas(path, projection, detail, width, height)));
  return atlas;
}

interface DrawnAtlas {
  land: string;
  coast: string;
  borders: string;
}

function drawAtlas(
  path: GeoPath,
  projection: GeoProjection,
  detail: AtlasDetail,
  width: number,
  height: number,
): DrawnAtlas {
  const view = visibleArea(projection, width, height, detail);
  const draw = <G extends Polygon | LineString>(pieces: Array<AtlasPiece<G>>, kind: G['type']): string => {
    const inView = pieces.filter((p) => overlaps(p, view)).map((p) => p.geometry.coordinates);
    if (inView.length === 0) return '';
    const geometry = kind === 'Polygon'
      ? { type: 'MultiPolygon' as const, coordinates: inView as Position[][][] }
      : { type: 'MultiLineString' as const, coordinates: inView as Position[][] };
    return path(geometry) ?? '';
  };
  const layers = atlasLayers(detail);
  let land = draw(layers.land, 'Polygon');
  let coast = draw(layers.coast, 'LineString');
  if (land.length + coast.length > LAND_BUDGET && detail === 'fine') {
    return drawAtlas(path, projection, 'coarse', width, height);
  }
  if (land.length + coast.length > LAND_BUDGET) land = coast = '';
  const borders = draw(layers.borders, 'LineString');
  return { land, coast, borders: borders.length > BORDERS_BUDGET ? '' : borders };
}

/**
 * The latitude/longitude box the view shows, a little wider so pieces touching its edge are
 * kept. The whole world when the view is wide (only zoomed-in views gain from skipping).
 */
function visibleArea(projection: GeoProjection, width: number, height: number, detail: AtlasDetail): GeoBox | undefined {
  if (detail === 'coarse') return undefined;
  const invert = (x: number, y: number) => projection.invert!([x, y]) ?? [0, 0];
  const [west] = invert(0, height / 2);
  const [east] = invert(width, height / 2);
  const [, north] = invert(width / 2, 0);
  const [, south] = invert(width / 2, height);
  const margin = 1;
  return { west: west! - margin, east: east! + margin, north: north! + margin, south: south! - margin };
}

function overlaps(piece: AtlasPiece<unknown>, view: GeoBox | undefined): boolean {
  if (!view) return true;
  if (piece.north < view.south || piece.south > view.north) return false;
  const pieceSpan = lonSpan(piece);
  const viewSpan = lonSpan(view);
  // How far east of the view's west edge the piece starts, going round the globe.
  const offset = (((piece.west - view.west) % 360) + 360) % 360;
  return offset <= viewSpan || offset + pieceSpan >= 360;
}

function drawMarkers(
  node: MapNode,
  projection: GeoProjection,
  width: number,
  height: number,
  toneWords: Record<Tone, string>,
  withLabels: boolean,
): string {
  const showLabels = withLabels && node.markers.length <= MAX_DRAWN_LABELS;
  const parts: string[] = [];
  for (const marker of node.markers) {
    const xy = projection([marker.lon, marker.lat]);
    if (!xy) continue;
    const [x, y] = xy.map((v) => Math.round(v * 10) / 10) as [number, number];
    // A bounds box can leave markers out; they stay in the summary but are not drawn off-canvas.
    if (x < 0 || x > width || y < 0 || y > height) continue;
    const tone = TONES[marker.tone ?? 'neutral'];
    const word = toneWords[marker.tone ?? 'neutral'];
    const title = marker.label ? `${marker.label} (${word})` : word;
    parts.push(
      `<g class="mw-map-marker"><title>${esc(title)}</title>`
      + `<circle cx="${x}" cy="${y}" r="6" fill="${tone.colour}" stroke="${COLOURS.halo}" stroke-width="2"/>`,
    );
    if (showLabels && marker.label) {
      // Labels near the right edge read leftwards so they stay inside the view.
      const leftwards = x > width * 0.6;
      parts.push(
        `<text x="${leftwards ? x - 10 : x + 10}" y="${y + 4}" text-anchor="${leftwards ? 'end' : 'start'}" font-size="14" `
        + `fill="${COLOURS.text}" stroke="${COLOURS.halo}" stroke-width="3" paint-order="stroke">${esc(marker.label)}</text>`,
      );
    }
    parts.push('</g>');
  }
  return parts.join('');
}

/** "Map with 3 places: Paris hub, Lyon, Berlin; and a route of 120 points". */
function summarise(node: MapNode): string {
  const n = node.markers.length;
  const parts: string[] = [];
  if (n > 0) {
    const named = node.markers.flatMap((m) => (m.label ? [m.label] : []));
    const shown = named.slice(0, SUMMARY_LABELS).join(', ');
    const more = named.length > SUMMARY_LABELS ? ` and ${named.length - SUMMARY_LABELS} more` : '';
    parts.push(`${n} ${n === 1 ? 'place' : 'places'}${shown ? `: ${shown}${more}` : ''}`);
  }
  if (node.polyline) parts.push(`a route of ${node.polyline.length} points`);
  return `Map with ${parts.join('; and ')}`;
}
