import type { ExtensionPoint } from '@mosaic/sdk';
import { performance } from 'node:perf_hooks';
import { AppError } from '../../lib/errors.js';
import type { TenantContext } from '../../tenancy/context.js';
import type { Caller, SharedReads } from '../host/index.js';
import { widgetInputs } from './inputs.js';
import { placedWidgets, renderPlaced, type WidgetDeps, type WidgetResult } from './render.js';
import { isExtensionPoint, pluginTarget, pointIsFor, type WidgetTarget } from './targets.js';

/** How long a page waits for its widgets, all together, unless it says otherwise. */
export const DEFAULT_WIDGET_BUDGET_MS = 1_500;
/** The page budget a caller may ask for; the sandbox's own wall limit is 10 s. */
export const MAX_WIDGET_BUDGET_MS = 10_000;

export interface RenderOptions {
  /** Who looks at the page: a staff member for console points, a portal customer for portal ones. */
  viewer: Caller;
  /** Milliseconds within which every widget of the page has answered or become an error box. */
  budgetMs?: number;
}

/**
 * Renders every widget installed at `point` for `target` (DESIGN.md decision 6): all at once,
 * each in the sandbox with its own deadline (what is left of the page's budget), so a slow or
 * failing widget becomes an error entry of its own and the page is never later than its budget.
 * The widgets of one installation share their reads of tenant data (`HostDeps.sharedReads`).
 * Answers one result per widget in a stable order (see `placedWidgets`). Throws only when the
 * page itself is wrong: an unknown point, a target of the wrong kind, a viewer who may not see
 * the point (FORBIDDEN) or the target (NOT_FOUND).
 */
export async function renderExtensionPoint(
  deps: WidgetDeps,
  tenant: TenantContext,
  point: string,
  target: WidgetTarget,
  options: RenderOptions,
): Promise<WidgetResult[]> {
  const started = performance.now();
  const budget = Math.min(Math.max(1, options.budgetMs ?? DEFAULT_WIDGET_BUDGET_MS), MAX_WIDGET_BUDGET_MS);
  const { viewer } = options;
  const checked = checkPoint(point, viewer);
  const [shaped, placed] = await Promise.all([
    pluginTarget(tenant, checked, target, viewer),
    placedWidgets(deps, tenant.tenantId, checked),
  ]);
  const left = budget - (performance.now() - started);
  // A sidebar's widgets often read the same customer: each installation's widgets read it once.
  const reads = new Map<string, SharedReads>();
  const readsOf = (installationId: string) => reads.get(installationId) ?? reads.set(installationId, new Map()).get(installationId)!;
  const inputOf = widgetInputs(deps.composedFor, tenant, checked, target);
  return Promise.all(placed.map((p) => renderPlaced(deps, tenant, viewer, p, shaped, left, readsOf(p.installation.id), inputOf(p))));
}

/** `point` as a known extension point that `viewer` may look at. */
export function checkPoint(point: string, viewer: Caller): ExtensionPoint {
  if (!isExtensionPoint(point)) throw new AppError('BAD_REQUEST', `there is no extension point named ${JSON.stringify(point.slice(0, 60))}`);
  if (!pointIsFor(point, viewer)) {
    throw new AppError('FORBIDDEN', point.startsWith('portal.') ? `${point} is shown to portal customers only` : `${point} is shown to staff only`);
  }
  return point;
}
