import { geoPath } from 'd3-geo';
import { describe, expect, it } from 'vitest';
import { atlasLayers, type AtlasDetail } from './atlas.js';
import { longitudeArc, mapProjection, MAX_FIT_ZOOM, scaleForZoom, type MapNode } from './map-projection.js';
import { MAP_SVG_MAX_BYTES, mapSvg } from './map-svg.js';

const size = { width: 640, height: 360 };

/** Centres of the drawn marker circles. */
function circles(svg: string): Array<{ x: number; y: number }> {
  return [...svg.matchAll(/<circle cx="([-\d.]+)" cy="([-\d.]+)"/g)].map(([, x, y]) => ({ x: Number(x), y: Number(y) }));
}

function expectInsideView(points: Array<{ x: number; y: number }>): void {
  for (const p of points) {
    expect(p.x).toBeGreaterThanOrEqual(0);
    expect(p.x).toBeLessThanOrEqual(size.width);
    expect(p.y).toBeGreaterThanOrEqual(0);
    expect(p.y).toBeLessThanOrEqual(size.height);
  }
}

/** Coordinates of every vertex in a path's `d`. */
function pathPoints(d: string): Array<{ x: number; y: number }> {
  return [...d.matchAll(/[ML]([-\d.]+),([-\d.]+)/g)].map(([, x, y]) => ({ x: Number(x), y: Number(y) }));
}

/** All land of one atlas file drawn in the node's view, without skipping any piece. */
function drawLand(node: MapNode, detail: AtlasDetail): string {
  const coordinates = atlasLayers(detail).land.map((p) => p.geometry.coordinates);
  return geoPath(mapProjection(node, size.width, size.height)).digits(1)({ type: 'MultiPolygon', coordinates }) ?? '';
}

describe('mapSvg', () => {
  it('draws an accessible figure: land, markers with titles and labels, route, caption', () => {
    const node: MapNode = {
      type: 'map',
      markers: [{ lat: 48.8566, lon: 2.3522, label: 'Paris hub', tone: 'info' }, { lat: 52.52, lon: 13.405, label: 'Berlin' }],
      polyline: [{ lat: 48.8566, lon: 2.3522 }, { lat: 52.52, lon: 13.405 }],
      caption: 'Route so far',
    };
    const svg = mapSvg(node, size);
    expect(svg).toMatch(/^<figure class="mw-map"><svg [^>]*viewBox="0 0 640 360"[^>]*role="img" aria-label="Map with 2 places: Paris hub, Berlin; and a route of 2 points"/);
    expect(svg).toContain('<title>Paris hub (Information)</title>');
    expect(svg).toMatch(/<text [^>]*>Berlin<\/text>/);
    expect(svg).toMatch(/<path class="mw-map-route" d="M[-\d.]+,[-\d.]+/);
    expect(svg).toMatch(/<figcaption>Route so far<\/figcaption><\/figure>$/);
    // Coastline of the North Sea lies inside a Paris–Berlin view: land is drawn and clipped to it.
    const land = /<path d="([^"]+)" fill="#f4f4ef"/.exec(svg);
    expect(land).not.toBeNull();
    expectInsideView(pathPoints(land![1]!));
    expect(svg).not.toContain('http://tile');
  });

  it('fits the markers inside the view when no bounds are given', () => {
    const markers = [{ lat: 35.68, lon: 139.69 }, { lat: -33.87, lon: 151.21 }, { lat: 1.35, lon: 103.82 }];
    const points = circles(mapSvg({ type: 'map', markers }, size));
    expect(points).toHaveLength(3);
    expectInsideView(points);
    // Fitted, not merely inside: the markers span most of the height (Tokyo to Sydney).
    const ys = points.map((p) => p.y);
    expect(Math.max(...ys) - Math.min(...ys)).toBeGreaterThan(size.height * 0.8);
  });

  it('shows the given bounds: markers inside are drawn, one outside is left out', () => {
    const node: MapNode = {
      type: 'map',
      markers: [{ lat: 45, lon: 5, label: 'in' }, { lat: 47, lon: 8, label: 'in too' }, { lat: 40.7, lon: -74, label: 'New York' }],
      bounds: { south: 40, west: 0, north: 50, east: 15 },
    };
    const svg = mapSvg(node, size);
    const points = circles(svg);
    expect(points).toHaveLength(2);
    expectInsideView(points);
    expect(svg).not.toContain('<title>New York');
    // Still in what a screen reader hears.
    expect(svg).toContain('New York');
    // The corners of the bounds land near the corners of the padded view on the long axis.
    const projection = mapProjection(node, size.width, size.height);
    const [west] = projection([0, 45])!;
    const [east] = projection([15, 45])!;
    const [, north] = projection([7.5, 50])!;
    const [, south] = projection([7.5, 40])!;
    expect(Math.max(east - west, 0) > size.width * 0.5 || south - north > size.height * 0.8).toBe(true);
  });

  it('draws bounds across the antimeridian in one piece, centred on it', () => {
    const node: MapNode = {
      type: 'map',
      markers: [{ lat: 64.8, lon: -147.7, label: 'Fairbanks' }, { lat: 53.0, lon: 158.65, label: 'Petropavlovsk' }],
      bounds: { south: 50, west: 150, north: 72, east: -130 },
    };
    const svg = mapSvg(node, size);
    const points = circles(svg);
    expect(points).toHaveLength(2);
    expectInsideView(points);
    // Petropavlovsk (east longitude) is drawn west of Fairbanks (west longitude).
    const [kamchatka, alaska] = [points[1]!, points[0]!];
    expect(kamchatka.x).toBeLessThan(alaska.x);
    const projection = mapProjection(node, size.width, size.height);
    const [x180] = projection([180, 60])!;
    expect(Math.abs(x180 - size.width / 2)).toBeLessThan(size.width * 0.2);
  });

  it('fits markers on both sides of the antimeridian the short way round', () => {
    expect(longitudeArc([179, -179, 178])).toEqual({ west: 178, east: -179 });
    const points = circles(mapSvg({ type: 'map', markers: [{ lat: -17.7, lon: 178.1 }, { lat: -13.8, lon: -172.1 }] }, size));
    expectInsideView(points);
    // A 10° span fills the width; the long way round (350°) would squeeze them together.
    expect(Math.abs(points[0]!.x - points[1]!.x)).toBeGreaterThan(size.width * 0.5);
  });

  it('draws a route across the antimeridian as one short line, not across the whole world', () => {
    // From 175° east to 175° west through Fiji.
    const polyline = Array.from({ length: 21 }, (_, i) => {
      const lon = 175 + i * 0.5;
      return { lat: -18 + i * 0.2, lon: lon > 180 ? lon - 360 : lon };
    });
    const svg = mapSvg({ type: 'map', markers: [], polyline }, size);
    const d = /<path class="mw-map-route" d="([^"]+)"/.exec(svg)![1]!;
    // One unbroken path (a single move) whose points run steadily from left to right.
    expect(d.match(/M/g)).toHaveLength(1);
    const xs = pathPoints(d).map((p) => p.x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expectInsideView(pathPoints(d));
  });

  it('centres a single point at a close zoom, or at the zoom the node names', () => {
    const near = mapSvg({ type: 'map', markers: [{ lat: 48.8566, lon: 2.3522, label: 'Paris' }] }, size);
    expect(circles(near)).toEqual([{ x: 320, y: 180 }]);
    const far = mapSvg({ type: 'map', markers: [{ lat: 48.8566, lon: 2.3522 }, { lat: 48.8600, lon: 2.3600 }], zoom: 3 }, size);
    const [a, b] = circles(far);
    // At zoom 3 two points 700 m apart fall on the same pixel or next to it.
    expect(Math.hypot(a!.x - b!.x, a!.y - b!.y)).toBeLessThan(2);
  });

  it('draws a polyline-only map fitted to the route', () => {
    const polyline = Array.from({ length: 50 }, (_, i) => ({ lat: 40 + i * 0.2, lon: -5 + i * 0.3 }));
    const svg = mapSvg({ type: 'map', markers: [], polyline }, size);
    expect(circles(svg)).toEqual([]);
    expect(svg).toContain('aria-label="Map with a route of 50 points"');
    const route = /<path class="mw-map-route" d="([^"]+)"/.exec(svg);
    expect(route).not.toBeNull();
    const pts = pathPoints(route![1]!);
    expectInsideView(pts);
    const xs = pts.map((p) => p.x);
    expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(size.width * 0.4);
  });

  it('escapes labels and caption and keeps markup it did not write out', () => {
    const evil = '</text><script>alert(1)</script><foreignObject>"';
    const svg = mapSvg({ type: 'map', markers: [{ lat: 1, lon: 1, label: evil }], caption: evil }, size);
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('<foreignObject');
    expect(svg).toContain('&lt;/text&gt;&lt;script&gt;');
    expect(svg.match(/<\/text>/g)).toHaveLength(1);
  });

  it('stays under the size cap at the largest map a plugin may send, and says how long it takes', () => {
    const markers = Array.from({ length: 200 }, (_, i) => ({ lat: -60 + (i % 40) * 3, lon: -170 + i * 1.7, label: `Depot number ${i} ${'x'.repeat(80)}` }));
    const polyline = Array.from({ length: 2000 }, (_, i) => ({ lat: 40 * Math.sin(i / 150), lon: -179 + i * 0.179 }));
    const node: MapNode = { type: 'map', markers, polyline, caption: 'c'.repeat(300) };
    mapSvg(node, size);
    const started = performance.now();
    const svg = mapSvg(node, size);
    const ms = performance.now() - started;
    expect(svg.length).toBeLessThan(MAP_SVG_MAX_BYTES);
    expect(circles(svg)).toHaveLength(200);
    // Generous on a loaded 2-core box; a warm render measures about 10–25 ms.
    expect(ms).toBeLessThan(500);
    console.info(`map with 200 markers and 2000 route points: ${ms.toFixed(1)} ms, ${(svg.length / 1024).toFixed(0)} KiB`);
  });

  it('uses the finer coastlines when zoomed in, and stays under the cap', () => {
    const node: MapNode = { type: 'map', markers: [{ lat: 60.39, lon: 5.32 }], zoom: 6 };
    const svg = mapSvg(node, size);
    expect(svg.length).toBeLessThan(MAP_SVG_MAX_BYTES);
    const land = /<path d="([^"]+)" fill="#f4f4ef"/.exec(svg);
    expect(land).not.toBeNull();
    // Norway's fjords drawn from the coarse file in the same view have far fewer vertices.
    const coarse = drawLand(node, 'coarse');
    expect(pathPoints(land![1]!).length).toBeGreaterThan(2 * pathPoints(coarse).length);
    // Skipping pieces outside the view loses nothing inside it.
    expect(land![1]!.length).toBe(drawLand(node, 'fine').length);
  });

  it('uses the coarse coastlines for a world view', () => {
    const node: MapNode = { type: 'map', markers: [{ lat: 60, lon: -150 }, { lat: -40, lon: 170 }, { lat: 10, lon: 10 }] };
    const land = /<path d="([^"]+)" fill="#f4f4ef"/.exec(mapSvg(node, size));
    expect(land![1]).toBe(drawLand(node, 'coarse'));
  });

  it('stays under the cap with the heaviest labels: 200 titles of 100 characters that escape to entities', () => {
    const label = '"'.repeat(100);
    const markers = Array.from({ length: 200 }, (_, i) => ({ lat: -60 + (i % 40) * 3, lon: -170 + i * 1.7, label }));
    const svg = mapSvg({ type: 'map', markers }, size);
    expect(svg.length).toBeLessThanOrEqual(MAP_SVG_MAX_BYTES);
    expect(svg.match(/<title>/g)).toHaveLength(200);
  });

  it('over its cap, drops the drawn labels first and then the atlas, never the markers', () => {
    const node: MapNode = { type: 'map', markers: [{ lat: 45, lon: 5, label: 'A'.repeat(100) }, { lat: 46, lon: 6, label: 'B'.repeat(100) }] };
    const full = mapSvg(node, size);
    expect(full).toMatch(/<text [^>]*>A{100}<\/text>/);
    const atlasLength = /<path d="[^"]+" fill="#f4f4ef"\/>/.exec(full)![0].length;
    const noLabels = mapSvg(node, { ...size, maxBytes: full.length - 150 });
    expect(noLabels).not.toContain('<text');
    expect(noLabels).toContain('fill="#f4f4ef"');
    expect(noLabels.match(/<title>/g)).toHaveLength(2);
    const bare = mapSvg(node, { ...size, maxBytes: full.length - atlasLength });
    expect(bare).not.toContain('fill="#f4f4ef"');
    expect(circles(bare)).toHaveLength(2);
  });

  it('fits two markers a metre apart at the closest zoom, both in view', () => {
    const node: MapNode = { type: 'map', markers: [{ lat: 48.85800, lon: 2.29450 }, { lat: 48.85801, lon: 2.29451 }] };
    expect(mapProjection(node, size.width, size.height).scale()).toBeCloseTo(scaleForZoom(MAX_FIT_ZOOM), 3);
    const points = circles(mapSvg(node, size));
    expectInsideView(points);
    expect(Math.abs(points[0]!.x - size.width / 2)).toBeLessThan(10);
  });

  it('names marker tones in the words it is given', () => {
    const svg = mapSvg({ type: 'map', markers: [{ lat: 1, lon: 1, label: 'Lager', tone: 'warning' }] }, { ...size, toneWords: { warning: 'Warnung' } });
    expect(svg).toContain('<title>Lager (Warnung)</title>');
  });
});

describe('mapSvg, drawn again', () => {
  const landOf = (svg: string) => /<path d="([^"]+)" fill="#f4f4ef"/.exec(svg)?.[1];
  const paris: MapNode = { type: 'map', markers: [{ lat: 48.8566, lon: 2.3522, label: 'Paris' }] };
  const tokyo: MapNode = { type: 'map', markers: [{ lat: 35.68, lon: 139.69, label: 'Tokyo' }] };

  it('draws the same view the same way every time, whatever was drawn in between', () => {
    const first = mapSvg(paris, size);
    const elsewhere = mapSvg(tokyo, size);
    const smaller = mapSvg(paris, { width: 320, height: 200 });
    expect(mapSvg(paris, size)).toBe(first);
    // Each view keeps its own coastline: another place, or the same place at another size.
    expect(landOf(elsewhere)).toBeDefined();
    expect(landOf(elsewhere)).not.toBe(landOf(first));
    expect(landOf(smaller)).not.toBe(landOf(first));
    expectInsideView(pathPoints(landOf(first)!));
  });

  it('keeps the markers of each map its own when the view is the same', () => {
    const twoLabels: MapNode = { type: 'map', markers: [{ lat: 48.8566, lon: 2.3522, label: 'Another label' }] };
    const a = mapSvg(paris, size);
    const b = mapSvg(twoLabels, size);
    expect(landOf(a)).toBe(landOf(b));
    expect(b).toContain('Another label');
    expect(b).not.toContain('>Paris<');
  });
});
