import type { WidgetNode } from '@mosaic/sdk';
import { WidgetEmpty, WidgetErrorBox, WidgetFrame, widgetDomId } from './widget-frame.js';
import { titleInTree, WidgetTree, type WidgetRenderContext } from './widget-tree.js';

/** One widget's outcome as the widget runtime reports it (ok with a tree, empty, or failed). */
export type WidgetOutcome = { installationId: string; widgetId: string; title: string } & (
  | { state: 'ok'; tree: WidgetNode }
  | { state: 'empty' }
  | { state: 'error'; code: string }
);

/** What a page knows once for all its widgets; the ids of each widget come from its outcome. */
export type WidgetPageContext = Omit<WidgetRenderContext, 'widgetKey' | 'containerId'>;

/**
 * The `widget` field a button posts: installation and widget id joined by a colon. Widget ids
 * are lowercase letters, digits and hyphens, so the last colon splits it unambiguously.
 */
export function widgetKey(installationId: string, widgetId: string): string {
  return `${installationId}:${widgetId}`;
}

/** The installation and widget a posted `widget` field names, or undefined if it names none. */
export function parseWidgetKey(key: string): { installationId: string; widgetId: string } | undefined {
  const at = key.lastIndexOf(':');
  if (at <= 0 || at === key.length - 1) return undefined;
  return { installationId: key.slice(0, at), widgetId: key.slice(at + 1) };
}

/**
 * A widget's outcome in its frame: the tree, the empty state or the error box. The same markup
 * answers an action, so htmx can swap it for the frame it replaces.
 * @example
 * {results.map((result) => <WidgetView result={result} page={{ actionUrl, csrfToken, format }} />)}
 */
export function WidgetView(props: { result: WidgetOutcome; page: WidgetPageContext; /** An action's message to show in the frame. */ message?: string }) {
  const { result, page } = props;
  const containerId = widgetDomId(result.installationId, result.widgetId);
  // A root card with a title of its own heads the widget; the frame then draws none (one title, not two).
  const rootTitle = result.state === 'ok' && titleInTree(result.tree);
  const body = result.state === 'ok'
    ? <WidgetTree tree={result.tree} context={{ ...page, containerId, rootTitle, widgetKey: widgetKey(result.installationId, result.widgetId) }} />
    : result.state === 'empty'
      ? <WidgetEmpty labels={page.labels} />
      : <WidgetErrorBox code={result.code} labels={page.labels} />;
  return <WidgetFrame id={containerId} title={result.title} titleLevel={page.titleLevel} titleInBody={rootTitle} message={props.message}>{body}</WidgetFrame>;
}
