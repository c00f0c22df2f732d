import type { WidgetNode } from '@mosaic/sdk';
import { jsonProblem } from '@mosaic/sdk/schema';
import { z } from 'zod';
import { AppError, notFound } from '../../lib/errors.js';
import type { TenantContext } from '../../tenancy/context.js';
import type { Caller } from '../host/index.js';
import { findInstallationById } from '../installer/index.js';
import { widgetInputs } from './inputs.js';
import { renderPlaced, type PlacedWidget, type WidgetDeps, type WidgetResult } from './render.js';
import { pluginTarget, pointIsFor, type WidgetTarget } from './targets.js';

/** JSON bytes of one button press's input: buttons carry small references, not documents. */
export const MAX_ACTION_INPUT_BYTES = 8 * 1024;
/** Characters of the message an action shows to whoever pressed its button. */
export const MAX_ACTION_MESSAGE_CHARS = 500;
/** How long a press may take: the action, then the widget drawn again. */
export const ACTION_TIMEOUT_MS = 10_000;
const RENDER_TIMEOUT_MS = 3_000;

const requestSchema = z.strictObject({
  installationId: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'must be an installation id'),
  widgetId: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be a widget id'),
  action: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must be an action name'),
  input: z.unknown(),
});
const answerSchema = z.object({ message: z.string().max(MAX_ACTION_MESSAGE_CHARS).optional() }).nullish();

/** A button press as the page posts it (the page checks its CSRF token before calling). */
export interface WidgetActionRequest {
  installationId: string;
  widgetId: string;
  action: string;
  /** The button's `input`: any JSON, at most MAX_ACTION_INPUT_BYTES. */
  input?: unknown;
  /** The record the page shows, as for renderExtensionPoint. */
  target: WidgetTarget;
}

export interface WidgetActionResult {
  /** What the plugin says to the person who pressed (plain text). */
  message?: string;
  /** The widget drawn again after the action. */
  widget: WidgetResult;
}

/**
 * Runs a widget button's action in the sandbox for `viewer`, then draws the widget again.
 * The action writes with the viewer's rights (decision 12): an agent or admin as a plugin
 * mutation would, a portal customer only what concerns their own records, an integrator nothing.
 * Only an action one of the widget's own buttons shows, drawn now for this viewer and target,
 * may run: an unknown or foreign installation, widget or action answers NOT_FOUND alike.
 */
export async function runWidgetAction(deps: WidgetDeps, tenant: TenantContext, viewer: Caller, raw: WidgetActionRequest): Promise<WidgetActionResult> {
  const request = parseRequest(raw);
  const placed = await findPlaced(deps, tenant.tenantId, viewer, request.installationId, request.widgetId);
  const target = await pluginTarget(tenant, placed.widget.extensionPoint, raw.target, viewer);
  // Each drawing resolves the widget's input afresh: the one after the action must not answer
  // from loaders that cached what the action has since changed.
  const inputNow = () => widgetInputs(deps.composedFor, tenant, placed.widget.extensionPoint, raw.target)(placed);

  // The button must be on the widget as it is drawn for this viewer now, not merely declared.
  const before = await renderPlaced(deps, tenant, viewer, placed, target, RENDER_TIMEOUT_MS, undefined, inputNow());
  if (before.state === 'error') throw new AppError(before.code, before.message);
  if (before.state !== 'ok' || !showsAction(before.tree, request.action)) throw notFound('widget action');

  const answer = await deps.runtime.invoke(tenant, placed.installation, {
    entry: { kind: 'action', name: request.action },
    input: request.input ?? null,
    limits: { wallTimeoutMs: ACTION_TIMEOUT_MS },
  }, viewer);
  const parsed = answerSchema.safeParse(answer);
  if (!parsed.success) {
    deps.runtime.metering.log({
      tenantId: tenant.tenantId, pluginId: placed.installation.pluginId, level: 'warn',
      message: `action ${request.action} answered something other than { message?: string (≤ ${MAX_ACTION_MESSAGE_CHARS} chars) }; the message was dropped`,
    });
  }
  const message = parsed.success ? parsed.data?.message : undefined;
  const widget = await renderPlaced(deps, tenant, viewer, placed, target, RENDER_TIMEOUT_MS, undefined, inputNow());
  return message === undefined ? { widget } : { message, widget };
}

function parseRequest(raw: WidgetActionRequest): z.infer<typeof requestSchema> {
  const parsed = requestSchema.safeParse({ installationId: raw.installationId, widgetId: raw.widgetId, action: raw.action, input: raw.input });
  if (!parsed.success) throw new AppError('BAD_USER_INPUT', `invalid widget action: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const input = parsed.data.input ?? null;
  // Iterative first, so hostile nesting is refused before anything recurses through it.
  const problem = jsonProblem(input);
  if (problem !== null) throw new AppError('BAD_USER_INPUT', `invalid widget action input: ${problem}`);
  if (Buffer.byteLength(JSON.stringify(input)) > MAX_ACTION_INPUT_BYTES) {
    throw new AppError('BAD_USER_INPUT', `widget action input exceeds ${MAX_ACTION_INPUT_BYTES} bytes of JSON`);
  }
  return { ...parsed.data, input };
}

/** The tenant's active installation and its widget, shown where `viewer` looks; NOT_FOUND otherwise. */
async function findPlaced(deps: WidgetDeps, tenantId: string, viewer: Caller, installationId: string, widgetId: string): Promise<PlacedWidget> {
  const installation = await findInstallationById(deps.control, tenantId, installationId);
  if (!installation || installation.status !== 'active') throw notFound('widget');
  const manifest = await deps.manifests.get(installation.pluginId, installation.version);
  const widget = manifest.widgets.find((w) => w.id === widgetId);
  if (!widget || !pointIsFor(widget.extensionPoint, viewer)) throw notFound('widget');
  return { installation, manifest, widget };
}

/** Whether a button of `tree` runs `action` (trees are validated, so at most 8 levels deep). */
function showsAction(tree: WidgetNode, action: string): boolean {
  if (tree.type === 'button') return tree.action === action;
  if (tree.type === 'card' || tree.type === 'stack') return tree.children.some((child) => showsAction(child, action));
  return false;
}
