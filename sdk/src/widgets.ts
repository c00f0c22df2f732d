/**
 * Widgets are data (decision 6): a plugin's `render` returns a tree of host components that the
 * host validates here and draws itself, so no plugin JavaScript ever reaches a browser.
 */
import { z } from 'zod';
import type { PluginContext } from './context.js';
import type { ExtensionPoint, ExtensionPointTargets } from './extension-points.js';
import { formatIssues } from './issues.js';
import type { JsonValue } from './json.js';

// 160 KiB of JSON holds a map at its limits (200 markers with the longest labels and a 2 000-point
// line at full float precision: about 132 KiB) beside a few other components.
export const WIDGET_LIMITS = { depth: 8, nodes: 300, children: 50, bytes: 160 * 1024 } as const;

/** What one `map` component may carry. */
export const MAP_LIMITS = { markers: 200, polylinePoints: 2_000, labelChars: 100, captionChars: 300 } as const;

/** A point on Earth in decimal degrees (WGS 84): `lat` −90…90, `lon` −180…180, finite. */
export interface GeoPoint {
  lat: number;
  lon: number;
}

export type Tone = 'neutral' | 'info' | 'success' | 'warning' | 'danger';

export type WidgetNode =
  | { type: 'card'; title?: string; children: WidgetNode[] }
  | { type: 'stack'; direction?: 'vertical' | 'horizontal'; gap?: 'none' | 'small' | 'medium' | 'large'; children: WidgetNode[] }
  | { type: 'text'; text: string; tone?: Tone }
  | { type: 'heading'; text: string; level?: 1 | 2 | 3 }
  | { type: 'badge'; text: string; tone?: Tone }
  | { type: 'keyValue'; items: Array<{ label: string; value: string | number }> }
  /** Each row has one cell per column. */
  | { type: 'table'; columns: string[]; rows: Array<Array<string | number | null>> }
  /** `at` is an ISO 8601 instant with its offset. */
  | { type: 'timeline'; items: Array<{ at: string; title: string; description?: string; tone?: Tone }> }
  /**
   * A map the host draws offline (no tiles from elsewhere): up to 200 `markers` (a `label` of up
   * to 100 characters, a `tone` for its colour), an optional `polyline` of 2 to 2 000 points
   * (a route), the area to show (`bounds`, else fitted to what is drawn; `west` greater than
   * `east` crosses the antimeridian; `zoom` 1–20 instead) and a `caption` of up to 300
   * characters. Needs at least one marker or a polyline.
   * @example
   * { type: 'map', markers: [{ lat: 48.8566, lon: 2.3522, label: 'Paris hub', tone: 'info' }],
   *   polyline: [{ lat: 48.8566, lon: 2.3522 }, { lat: 52.52, lon: 13.405 }], caption: 'Route so far' }
   */
  | {
    type: 'map';
    markers: Array<GeoPoint & { label?: string; tone?: Tone }>;
    polyline?: GeoPoint[];
    bounds?: { south: number; west: number; north: number; east: number };
    zoom?: number;
    caption?: string;
  }
  /** `href` is http(s) only. */
  | { type: 'link'; text: string; href: string }
  /** Runs the plugin's action `action` with `input` when pressed. */
  | { type: 'button'; label: string; action: string; input?: JsonValue; variant?: 'primary' | 'secondary' | 'danger' };
export type WidgetComponent = WidgetNode['type'];

const text = (max: number) => z.string().max(max);
const tone = z.enum(['neutral', 'info', 'success', 'warning', 'danger']);
const actionName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must be an action name such as refreshTracking');
const children = () => z.array(widgetNodeSchema).max(WIDGET_LIMITS.children);

const card = z.strictObject({
  type: z.literal('card'),
  title: text(200).optional(),
  get children() { return children(); },
});
const stack = z.strictObject({
  type: z.literal('stack'),
  direction: z.enum(['vertical', 'horizontal']).optional(),
  gap: z.enum(['none', 'small', 'medium', 'large']).optional(),
  get children() { return children(); },
});
const textNode = z.strictObject({ type: z.literal('text'), text: text(2000), tone: tone.optional() });
const heading = z.strictObject({ type: z.literal('heading'), text: text(200), level: z.literal([1, 2, 3]).optional() });
const badge = z.strictObject({ type: z.literal('badge'), text: text(60), tone: tone.optional() });
const keyValue = z.strictObject({
  type: z.literal('keyValue'),
  items: z.array(z.strictObject({ label: text(100), value: z.union([text(500), z.number()]) })).max(50),
});
const table = z.strictObject({
  type: z.literal('table'),
  columns: z.array(text(100)).min(1).max(12),
  rows: z.array(z.array(z.union([text(500), z.number(), z.null()])).max(12)).max(200),
}).refine((t) => t.rows.every((r) => r.length === t.columns.length), {
  message: 'every row must have one cell per column',
  path: ['rows'],
});
const timeline = z.strictObject({
  type: z.literal('timeline'),
  items: z.array(z.strictObject({
    at: z.iso.datetime({ offset: true }),
    title: text(200),
    description: text(1000).optional(),
    tone: tone.optional(),
  })).max(100),
});
// zod's number() refuses NaN and ±Infinity, so every coordinate is finite.
const latitude = z.number().min(-90).max(90);
const longitude = z.number().min(-180).max(180);
const geoPoint = { lat: latitude, lon: longitude };
const map = z.strictObject({
  type: z.literal('map'),
  markers: z.array(z.strictObject({ ...geoPoint, label: text(MAP_LIMITS.labelChars).optional(), tone: tone.optional() }))
    .max(MAP_LIMITS.markers),
  polyline: z.array(z.strictObject(geoPoint)).min(2).max(MAP_LIMITS.polylinePoints).optional(),
  bounds: z.strictObject({ south: latitude, west: longitude, north: latitude, east: longitude })
    .refine((b) => b.south <= b.north, { message: 'south must not be north of north', path: ['south'] })
    .optional(),
  zoom: z.int().min(1).max(20).optional(),
  caption: text(MAP_LIMITS.captionChars).optional(),
}).refine((m) => m.markers.length > 0 || m.polyline !== undefined, {
  message: 'a map needs at least one marker or a polyline',
  path: ['markers'],
});
// z.httpUrl parses with URL first, so `JavaScript:`, ` javascript:` and `java\tscript:` fail too.
const link = z.strictObject({
  type: z.literal('link'),
  text: text(200),
  href: z.httpUrl({ error: 'must be an http(s) URL' }).max(2048),
});
const button = z.strictObject({
  type: z.literal('button'),
  label: text(80),
  action: actionName,
  input: z.json().optional(),
  variant: z.enum(['primary', 'secondary', 'danger']).optional(),
});

export const WIDGET_COMPONENTS: readonly WidgetComponent[] = [
  'card', 'stack', 'text', 'heading', 'badge', 'keyValue', 'table', 'timeline', 'map', 'link', 'button',
];

// Annotated because a recursive schema cannot infer its own type; the annotation is checked.
export const widgetNodeSchema: z.ZodType<WidgetNode> = z.discriminatedUnion(
  'type',
  [card, stack, textNode, heading, badge, keyValue, table, timeline, map, link, button],
  {
    error: (issue) => issue.code === 'invalid_union'
      ? `unknown component ${JSON.stringify((issue.input as { type?: unknown } | undefined)?.type)}; expected one of ${WIDGET_COMPONENTS.join(', ')}`
      : undefined,
  },
);

export type WidgetValidation = { success: true; data: WidgetNode } | { success: false; errors: string[] };

/**
 * Checks a tree a plugin rendered before the host draws it. Depth and size are measured first,
 * without recursion, so a hostile tree cannot exhaust the stack of the schema's own walk.
 * `actions`, when given, are the plugin's action names, which its buttons must name.
 */
export function validateWidgetTree(tree: unknown, options: { actions?: readonly string[] } = {}): WidgetValidation {
  const bounds = checkBounds(tree);
  if (bounds) return { success: false, errors: [`widget: ${bounds}`] };
  const parsed = widgetNodeSchema.safeParse(tree);
  if (!parsed.success) return { success: false, errors: formatIssues(parsed.error, 'widget') };
  const errors = options.actions ? unknownActions(parsed.data, options.actions) : [];
  return errors.length ? { success: false, errors } : { success: true, data: parsed.data };
}

function checkBounds(tree: unknown): string | undefined {
  // Walked before JSON.stringify, which recurses too; a cycle runs into the node limit.
  let nodes = 0;
  const pending: Array<[unknown, number]> = [[tree, 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, depth] = next;
    if (depth > WIDGET_LIMITS.depth) return `is nested deeper than ${WIDGET_LIMITS.depth} levels`;
    if (++nodes > WIDGET_LIMITS.nodes) return `has more than ${WIDGET_LIMITS.nodes} nodes`;
    const kids = (node as { children?: unknown } | null)?.children;
    if (Array.isArray(kids)) for (const kid of kids) pending.push([kid, depth + 1]);
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(tree);
  } catch {
    return 'must be plain JSON data';
  }
  if (json === undefined) return 'must be a widget node';
  return json.length > WIDGET_LIMITS.bytes ? `is larger than ${WIDGET_LIMITS.bytes} bytes of JSON` : undefined;
}

function unknownActions(node: WidgetNode, actions: readonly string[], path = 'widget'): string[] {
  if (node.type === 'button') {
    return actions.includes(node.action) ? [] : [`${path}.action: the plugin has no action "${node.action}"`];
  }
  if (node.type !== 'card' && node.type !== 'stack') return [];
  return node.children.flatMap((child, i) => unknownActions(child, actions, `${path}.children[${i}]`));
}

/** A widget a plugin contributes to one extension point; `render` runs in the sandbox. */
export type WidgetDeclaration<TConfig = Record<string, never>> = {
  [P in ExtensionPoint]: {
    /** Stable within the plugin: lowercase, digits and hyphens. */
    id: string;
    extensionPoint: P;
    title: string;
    /**
     * What the widget reads of its target, as a `graphql` fragment on the target's type (console
     * extension points: Customer, Order or Case). The host resolves it with core's resolvers
     * while the page renders and hands it to `render` as its third argument, so the widget needs
     * no host call for it; type that argument `InputOf<typeof yourFragment>`. Portal widgets read
     * through `ctx`, which keeps a signed-in customer to their own records.
     */
    input?: WidgetInputDocument;
    /** The tree to draw, or null to show nothing for this target. */
    render(target: ExtensionPointTargets[P], ctx: PluginContext<TConfig>, input?: unknown): Promise<WidgetNode | null>;
  };
}[ExtensionPoint];

/** A document from the SDK's `graphql` (declared-input.ts), as a widget's `input` holds it. */
// any: whatever result and variables the document has
export type WidgetInputDocument = import('gql.tada').TadaDocumentNode<any, any, any>;
