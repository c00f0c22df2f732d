import type { ExtensionPoint } from '@mosaic/sdk';
import { widgetInputCoordinate, widgetInputType } from '@mosaic/sdk/schema';
import { createLoaders } from '../../graphql/loaders.js';
import type { TenantContext } from '../../tenancy/context.js';
import type { ComposedSchema } from '../schema/compose.js';
import type { ShapedParent } from '../schema/declared-inputs.js';
import type { PlacedWidget } from './render.js';
import type { WidgetTarget } from './targets.js';

/** What resolving widgets' inputs needs of the platform: the tenant's composed schema. */
export type ComposedFor = (tenant: TenantContext) => Promise<ComposedSchema>;

/** A widget's declared input for one render, or undefined when it declares none. */
export type WidgetInputOf = (placed: PlacedWidget) => Promise<ShapedParent | undefined>;

/**
 * Declared inputs of the widgets one page renders at `point` for `target` (console points only,
 * see widgetInputType): each resolved by core's own resolvers from the record the page shows,
 * with the viewer's tenant context, like a field's. The page's widgets share one GraphQL context,
 * so their reads batch in its loaders.
 */
export function widgetInputs(composedFor: ComposedFor, tenant: TenantContext, point: ExtensionPoint, target: WidgetTarget): WidgetInputOf {
  const type = widgetInputType(point);
  const row = Object.values(target)[0] as unknown;
  let context: object | undefined;
  return async ({ installation, manifest, widget }) => {
    if (type === undefined || manifest.widgetInputs[widget.id] === undefined) return undefined;
    const coordinate = widgetInputCoordinate(type, installation.pluginId, widget.id);
    const { inputs } = await composedFor(tenant);
    // Checked at install with the tenant's schema; a version composed without it declares none.
    if (!inputs.has(coordinate)) return undefined;
    context ??= { tenant, loaders: createLoaders(tenant) };
    const [shaped] = await inputs.resolve(coordinate, [row], context);
    return shaped;
  };
}
