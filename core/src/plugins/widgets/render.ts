import type { ExtensionPoint, WidgetNode } from '@mosaic/sdk';
import { validateWidgetTree, type PluginManifest } from '@mosaic/sdk/schema';
import type { ControlDb } from '../../db/control.js';
import { AppError, type ErrorCode } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { TenantContext } from '../../tenancy/context.js';
import type { ManifestCache } from '../events/index.js';
import type { Caller, SharedReads } from '../host/index.js';
import { listInstallations, type Installation } from '../installer/index.js';
import type { PluginRuntime } from '../runtime/runtime.js';
import type { ShapedParent } from '../schema/declared-inputs.js';
import { withinDeadline } from './deadline.js';
import type { ComposedFor } from './inputs.js';

/** What the widget runtime needs of the platform. */
export interface WidgetDeps {
  control: ControlDb;
  runtime: PluginRuntime;
  /** Verified manifests by plugin version, shared with the event dispatcher. */
  manifests: ManifestCache;
  logger: Logger;
  /** The tenant's composed schema, whose resolver answers widgets' declared inputs. */
  composedFor: ComposedFor;
}

/** One widget of one installation, placed at an extension point. */
export interface PlacedWidget {
  installation: Installation;
  manifest: PluginManifest;
  widget: PluginManifest['widgets'][number];
}

/** Which widget a result is for: enough for the page to draw its frame and post its buttons. */
export interface WidgetHead {
  pluginId: string;
  installationId: string;
  widgetId: string;
  title: string;
}

/**
 * One widget's outcome. `error` is a small box on the page: `code` is stable
 * (PLUGIN_TIMEOUT, PLUGIN_FAILED, WIDGET_INVALID, ...), `message` is for the person looking and
 * never carries the plugin's own text (that goes to the plugin's logs).
 */
export type WidgetResult = WidgetHead & (
  | { state: 'ok'; tree: WidgetNode }
  | { state: 'empty' }
  | { state: 'error'; code: ErrorCode; message: string }
);

const VIEWER_MESSAGES: Partial<Record<ErrorCode, string>> = {
  PLUGIN_TIMEOUT: 'This widget did not answer in time.',
  WIDGET_INVALID: 'This widget sent something that cannot be shown.',
  FORBIDDEN: 'You may not see this widget.',
};

/**
 * Every widget of an active installation at `point`, in a stable order: installations as
 * installed (oldest first), then each plugin's widgets as its manifest lists them. An
 * installation whose manifest cannot be loaded (a tampered version) contributes nothing and is
 * logged.
 */
export async function placedWidgets(deps: WidgetDeps, tenantId: string, point: ExtensionPoint): Promise<PlacedWidget[]> {
  const installations = await listInstallations(deps.control, tenantId, { activeOnly: true });
  const perInstallation = await Promise.all(installations.map(async (installation) => {
    try {
      const manifest = await deps.manifests.get(installation.pluginId, installation.version);
      return manifest.widgets.filter((w) => w.extensionPoint === point).map((widget) => ({ installation, manifest, widget }));
    } catch (error) {
      deps.logger.warn({ err: error, tenantId, pluginId: installation.pluginId }, 'plugin widgets skipped: its manifest did not load');
      return [];
    }
  }));
  return perInstallation.flat();
}

export const headOf = ({ installation, widget }: PlacedWidget): WidgetHead => ({
  pluginId: installation.pluginId, installationId: installation.id, widgetId: widget.id, title: widget.title,
});

/**
 * Renders one widget in the sandbox for `viewer` (a read: decision 12), within `deadlineMs`, and
 * checks its tree as the SDK does (size and depth first, then components, then that every
 * button names one of the plugin's actions). Never throws: a failure is an error result.
 * `sharedReads`: the installation's reads shared by the widgets of one page render; `input`:
 * the widget's declared input for this target (widgetInputs), when it declares one.
 */
export async function renderPlaced(
  deps: WidgetDeps,
  tenant: TenantContext,
  viewer: Caller,
  placed: PlacedWidget,
  target: Record<string, unknown>,
  deadlineMs: number,
  sharedReads?: SharedReads,
  input?: Promise<ShapedParent | undefined>,
): Promise<WidgetResult> {
  const head = headOf(placed);
  const ms = Math.max(1, Math.floor(deadlineMs));
  const what = `widget ${placed.widget.id} of ${placed.installation.pluginId}`;
  try {
    // A declared input that fails (a field the viewer may not read) fails this widget alone.
    const resolved = await input;
    if (resolved && !resolved.ok) throw resolved.error;
    const tree = await withinDeadline(deps.runtime.invoke(tenant, placed.installation, {
      entry: { kind: 'widget', id: placed.widget.id },
      target,
      ...(resolved && { declaredInput: resolved.value }),
      // The sandbox gives up at the same moment, so a stuck widget does not hold its isolate.
      limits: { wallTimeoutMs: ms },
    }, viewer, sharedReads), ms, what);
    if (tree === null || tree === undefined) return { ...head, state: 'empty' };
    const checked = validateWidgetTree(tree, { actions: placed.manifest.actions });
    if (!checked.success) {
      deps.runtime.metering.log({
        tenantId: tenant.tenantId, pluginId: placed.installation.pluginId, level: 'error',
        message: `${what} was refused: ${checked.errors.slice(0, 5).join('; ')}`, data: { code: 'WIDGET_INVALID' },
      });
      return failed(head, 'WIDGET_INVALID');
    }
    return { ...head, state: 'ok', tree: checked.data };
  } catch (error) {
    // The runtime has logged and metered the plugin's failure; the page only needs its code.
    if (error instanceof AppError) return failed(head, error.code);
    deps.logger.error({ err: error, tenantId: tenant.tenantId, pluginId: placed.installation.pluginId }, `${what} failed`);
    return failed(head, 'PLUGIN_FAILED');
  }
}

function failed(head: WidgetHead, code: ErrorCode): WidgetResult {
  return { ...head, state: 'error', code, message: VIEWER_MESSAGES[code] ?? 'This widget could not be loaded.' };
}
