import { describe, expect, it } from 'vitest';
import { MAP_LIMITS, validateWidgetTree, WIDGET_LIMITS, type WidgetNode } from './widgets.js';

const everyComponent: WidgetNode = {
  type: 'card',
  title: 'Shipment',
  children: [
    { type: 'heading', text: 'On its way', level: 2 },
    { type: 'badge', text: 'In transit', tone: 'info' },
    {
      type: 'stack',
      direction: 'horizontal',
      gap: 'small',
      children: [
        { type: 'text', text: 'Carrier: Parcelly', tone: 'neutral' },
        { type: 'link', text: 'Track on carrier site', href: 'https://parcelly.example/t/123' },
      ],
    },
    { type: 'keyValue', items: [{ label: 'Weight', value: '2 kg' }, { label: 'Parcels', value: 2 }] },
    { type: 'table', columns: ['When', 'Where'], rows: [['10:00', 'Depot'], ['12:30', null]] },
    { type: 'timeline', items: [{ at: '2024-05-01T10:00:00Z', title: 'Picked up', tone: 'success' }] },
    {
      type: 'map',
      markers: [{ lat: 52.37, lon: 4.9, label: 'Depot', tone: 'success' }],
      polyline: [{ lat: 52.37, lon: 4.9 }, { lat: 51.92, lon: 4.48 }],
      bounds: { south: 51, west: 3, north: 53, east: 6 },
      zoom: 10,
      caption: 'Amsterdam to Rotterdam',
    },
    { type: 'button', label: 'Refresh', action: 'refreshTracking', input: { orderId: 'o1' }, variant: 'primary' },
  ],
};

function nested(depth: number): unknown {
  let tree: unknown = { type: 'text', text: 'leaf' };
  for (let level = 1; level < depth; level++) tree = { type: 'stack', children: [tree] };
  return tree;
}

describe('widget trees', () => {
  it('accepts a tree using every component', () => {
    expect(validateWidgetTree(everyComponent)).toEqual({ success: true, data: everyComponent });
  });

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    ' javascript:alert(1)',
    'java\tscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    '/relative/path',
  ])('rejects the link %j', (href) => {
    const result = validateWidgetTree({ type: 'card', children: [{ type: 'link', text: 'x', href }] });
    expect(result).toEqual({ success: false, errors: ['widget.children[0].href: must be an http(s) URL'] });
  });

  it('rejects a component the host does not have, naming the ones it does', () => {
    const result = validateWidgetTree({ type: 'stack', children: [{ type: 'iframe', src: 'https://x.example' }] });
    expect(result).toEqual({
      success: false,
      errors: ['widget.children[0].type: unknown component "iframe"; expected one of card, stack, text, heading, badge, keyValue, table, timeline, map, link, button'],
    });
  });

  it('rejects properties a component does not have (no smuggled html or handlers)', () => {
    const result = validateWidgetTree({ type: 'text', text: 'x', html: '<b>x</b>' });
    expect(result).toEqual({ success: false, errors: ['widget: Unrecognized key: "html"'] });
  });

  it(`accepts ${WIDGET_LIMITS.depth} levels and rejects one more, before walking the schema`, () => {
    expect(validateWidgetTree(nested(WIDGET_LIMITS.depth)).success).toBe(true);
    expect(validateWidgetTree(nested(WIDGET_LIMITS.depth + 1))).toEqual({
      success: false,
      errors: [`widget: is nested deeper than ${WIDGET_LIMITS.depth} levels`],
    });
  });

  it('survives hostile depth and cycles without exhausting the stack', () => {
    expect(validateWidgetTree(nested(100_000))).toMatchObject({ success: false });
    const cycle: { type: string; children: unknown[] } = { type: 'stack', children: [] };
    cycle.children.push(cycle);
    expect(validateWidgetTree(cycle)).toMatchObject({ success: false });
  });

  it('bounds the number of nodes and the size of the tree', () => {
    const wide = (n: number) => ({ type: 'stack', children: Array.from({ length: 6 }, () => ({ type: 'stack', children: Array.from({ length: n }, () => ({ type: 'badge', text: 'x' })) })) });
    expect(validateWidgetTree(wide(49))).toEqual({ success: false, errors: [`widget: has more than ${WIDGET_LIMITS.nodes} nodes`] });
    const big = { type: 'text', text: 'x'.repeat(WIDGET_LIMITS.bytes) };
    expect(validateWidgetTree(big)).toEqual({ success: false, errors: [`widget: is larger than ${WIDGET_LIMITS.bytes} bytes of JSON`] });
  });

  it('rejects values that are not plain data', () => {
    expect(validateWidgetTree(undefined)).toEqual({ success: false, errors: ['widget: must be a widget node'] });
    expect(validateWidgetTree({ type: 'map', markers: [{ lat: 91, lon: 0 }] })).toEqual({
      success: false,
      errors: [expect.stringMatching(/^widget\.markers\[0\]\.lat: /)],
    });
    expect(validateWidgetTree({ type: 'table', columns: ['a', 'b'], rows: [['only one']] })).toEqual({
      success: false,
      errors: ['widget.rows: every row must have one cell per column'],
    });
  });

  it("checks buttons against the plugin's actions when given them", () => {
    expect(validateWidgetTree(everyComponent, { actions: ['refreshTracking'] }).success).toBe(true);
    expect(validateWidgetTree(everyComponent, { actions: [] })).toEqual({
      success: false,
      errors: ['widget.children[7].action: the plugin has no action "refreshTracking"'],
    });
  });
});

describe('map', () => {
  const paris = { lat: 48.8566, lon: 2.3522 };
  const errorsOf = (map: Record<string, unknown>) => {
    const result = validateWidgetTree({ type: 'map', markers: [paris], ...map });
    return result.success ? [] : result.errors;
  };

  it('accepts the edges of the globe, a bare polyline and a box across the antimeridian', () => {
    const corners = [{ lat: -90, lon: -180 }, { lat: 90, lon: 180 }, { lat: 0, lon: 0 }];
    expect(errorsOf({ markers: corners })).toEqual([]);
    expect(errorsOf({ markers: [], polyline: corners })).toEqual([]);
    expect(errorsOf({ bounds: { south: -50, west: 170, north: -30, east: -170 } })).toEqual([]);
  });

  it.each([
    [{ markers: [{ lat: 90.01, lon: 0 }] }, 'widget.markers[0].lat'],
    [{ markers: [{ lat: 0, lon: -180.5 }] }, 'widget.markers[0].lon'],
    [{ markers: [{ lat: Number.NaN, lon: 0 }] }, 'widget.markers[0].lat'],
    [{ markers: [{ lat: 0, lon: Number.POSITIVE_INFINITY }] }, 'widget.markers[0].lon'],
    [{ markers: [{ lat: '48.8', lon: 2.3 }] }, 'widget.markers[0].lat'],
    [{ markers: [{ lat: 48.8, lng: 2.3 }] }, 'widget.markers[0].lon'],
    [{ markers: [{ ...paris, label: 'x'.repeat(MAP_LIMITS.labelChars + 1) }] }, 'widget.markers[0].label'],
    [{ markers: [{ ...paris, tone: 'purple' }] }, 'widget.markers[0].tone'],
    [{ markers: [{ ...paris, html: '<b>x</b>' }] }, 'widget.markers[0]'],
    [{ polyline: [paris] }, 'widget.polyline'],
    [{ polyline: [paris, { lat: 0, lon: 181 }] }, 'widget.polyline[1].lon'],
    [{ bounds: { south: 10, west: 0, north: 5, east: 1 } }, 'widget.bounds.south'],
    [{ bounds: { south: 0, west: 0, north: 1 } }, 'widget.bounds.east'],
    [{ caption: 'x'.repeat(MAP_LIMITS.captionChars + 1) }, 'widget.caption'],
    [{ markers: [] }, 'widget.markers'],
  ])('refuses %j at %s', (map, path) => {
    const errors = errorsOf(map);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]?.startsWith(`${path}:`), errors.join('\n')).toBe(true);
  });

  it(`holds ${MAP_LIMITS.markers} markers and ${MAP_LIMITS.polylinePoints} polyline points within the tree's byte limit, and no more`, () => {
    // Full float precision and the longest labels: the worst a plugin can send within the counts.
    const point = (i: number) => ({ lat: -89.123456789012 + i / 1e6, lon: -179.12345678901 + i / 1e6 });
    const markers = Array.from({ length: MAP_LIMITS.markers }, (_, i) => ({ ...point(i), label: `${i}`.padEnd(MAP_LIMITS.labelChars, 'x'), tone: 'warning' }));
    const polyline = Array.from({ length: MAP_LIMITS.polylinePoints }, (_, i) => point(i));
    const full = { type: 'map', markers, polyline, caption: 'c'.repeat(MAP_LIMITS.captionChars) };
    expect(validateWidgetTree(full).success).toBe(true);
    const notes = Array.from({ length: 10 }, () => ({ type: 'text', text: 'x'.repeat(2_000) }));
    expect(validateWidgetTree({ type: 'card', children: [full, ...notes] }).success).toBe(true);
    expect(errorsOf({ markers: [...markers, paris] })[0]).toMatch(/^widget\.markers: /);
    expect(errorsOf({ polyline: [...polyline, paris] })[0]).toMatch(/^widget\.polyline: /);
  });
});