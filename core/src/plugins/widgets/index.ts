/**
 * The widget runtime (DESIGN.md decision 6): renders the declarative widgets plugins contribute
 * to an extension point, in the sandbox, for the person looking at the page, and runs their
 * buttons' actions. Drawing the trees as HTML is the web layer's job.
 */
export { renderExtensionPoint, DEFAULT_WIDGET_BUDGET_MS, MAX_WIDGET_BUDGET_MS, type RenderOptions } from './extension-point.js';
export { runWidgetAction, ACTION_TIMEOUT_MS, MAX_ACTION_INPUT_BYTES, MAX_ACTION_MESSAGE_CHARS, type WidgetActionRequest, type WidgetActionResult } from './action.js';
export type { WidgetDeps, WidgetHead, WidgetResult } from './render.js';
export type { WidgetTarget } from './targets.js';
