import type { Child } from 'hono/jsx';
import { widgetLabels, type WidgetLabels } from './labels.js';

/**
 * A DOM id for a widget that stays the same across renders (the target of its buttons' htmx
 * swap): the parts joined by `--`, every character outside [A-Za-z0-9] spelt `_hex_`, so distinct
 * parts can never give the same id.
 * @example widgetDomId('inst_1', 'tracking') // 'w-inst_5f_1--tracking'
 */
export function widgetDomId(...parts: string[]): string {
  const encoded = parts.map((p) => p.replace(/[^A-Za-z0-9]/gu, (c) => `_${c.codePointAt(0)!.toString(16)}_`));
  return `w-${encoded.join('--')}`;
}

/** Heading levels HTML has; a widget title sits at 2 unless the page says otherwise. */
export type HeadingLevel = 1 | 2 | 3 | 4 | 5 | 6;

/** An `h1`…`h6` element; deeper levels than 6 stay at 6. */
export function Heading(props: { level: number; id?: string; class?: string; children: Child }) {
  const level = Math.min(6, Math.max(1, Math.round(props.level))) as HeadingLevel;
  const Tag = `h${level}` as const;
  return <Tag id={props.id} class={props.class}>{props.children}</Tag>;
}

/** The id of the heading that names the widget whose frame has `frameId`. */
export const widgetTitleId = (frameId: string) => `${frameId}-title`;

/**
 * One widget on a page: its title as a heading and its body, in a section named by that title.
 * `id` (see `widgetDomId`) is what the widget's buttons replace after an action. With
 * `titleInBody` the frame draws no heading of its own: the body's first heading, with the id
 * `widgetTitleId(id)`, names the widget instead (a tree whose root card has its own title), so the
 * page never shows the title twice. `message`: what the widget's last action answered, shown under it.
 */
export function WidgetFrame(props: { id: string; title: string; titleLevel?: HeadingLevel; titleInBody?: boolean; message?: string; children: Child }) {
  const titleId = widgetTitleId(props.id);
  return (
    <section id={props.id} class="mw-widget" aria-labelledby={titleId}>
      {!props.titleInBody && <Heading level={props.titleLevel ?? 2} id={titleId} class="mw-widget-title">{props.title}</Heading>}
      <div class="mw-widget-body">{props.children}</div>
      {props.message && <p class="mw-widget-message" role="status">{props.message}</p>}
    </section>
  );
}

/** What a widget that failed or timed out shows instead: a short sentence and the stable code. */
export function WidgetErrorBox(props: { code: string; labels?: Partial<WidgetLabels> }) {
  const labels = widgetLabels(props.labels);
  return (
    <div class="mw-widget-error">
      <span class="mw-tone-icon" aria-hidden="true">!</span>
      <p>
        {labels.couldNotShow}{' '}
        <span class="mw-widget-error-code">{labels.errorCode}: <code>{props.code}</code></span>
      </p>
    </div>
  );
}

/** What a widget that has nothing for this page shows. */
export function WidgetEmpty(props: { labels?: Partial<WidgetLabels> }) {
  return <p class="mw-widget-empty">{widgetLabels(props.labels).empty}</p>;
}
