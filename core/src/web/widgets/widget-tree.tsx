import type { Tone, WidgetNode } from '@mosaic/sdk';
import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { widgetLabels, type WidgetLabels } from './labels.js';
import { mapSvg, type MapSvgOptions } from './map-svg.js';
import { safeHttpHref } from './safe-href.js';
import { TONES } from './tones.js';
import { Heading, widgetTitleId, type HeadingLevel } from './widget-frame.js';

/** Locale-aware formatting the page supplies (the viewer's language and time zone). */
export interface WidgetFormat {
  /** An ISO 8601 instant as the viewer reads dates and times. */
  dateTime(iso: string): string;
  number(n: number): string;
}

/** Everything about where a tree is drawn that the host decides, never the plugin. */
export interface WidgetRenderContext {
  /** Where the widget's buttons post; the host's own route. */
  actionUrl: string;
  csrfToken: string;
  /** Names the widget to the action route (sent as the `widget` field). */
  widgetKey: string;
  /** DOM id of the widget's frame, which an action's answer replaces (see `widgetDomId`). */
  containerId: string;
  format: WidgetFormat;
  /** Level of the widget's title heading; headings inside the tree go below it. Default 2. */
  titleLevel?: HeadingLevel;
  /** The root card's title is the widget's title (see `titleInTree`): drawn at `titleLevel`, naming the frame. */
  rootTitle?: boolean;
  labels?: Partial<WidgetLabels>;
  /** Drawing size of maps; 480×320 by default (it scales to its column; smaller keeps labels legible on a phone). */
  map?: Pick<MapSvgOptions, 'width' | 'height'>;
}

const DEFAULT_MAP_SIZE = { width: 480, height: 320 };

interface Scope {
  ctx: WidgetRenderContext;
  labels: WidgetLabels;
  /** Level of the heading the current content sits under. */
  level: number;
}

/**
 * Draws a validated widget tree as semantic HTML. Every string from the plugin goes through
 * JSX escaping (the map through its own escaping); links are http(s) only and open in a new
 * tab; buttons are plain forms that work without JavaScript and that htmx upgrades to swap the
 * widget in place.
 * @example
 * <WidgetFrame id={id} title={title}>
 *   <WidgetTree tree={tree} context={{ actionUrl, csrfToken, widgetKey, containerId: id, format }} />
 * </WidgetFrame>
 */
export function WidgetTree(props: { tree: WidgetNode; context: WidgetRenderContext }) {
  const { tree, context } = props;
  const scope = { ctx: context, labels: widgetLabels(context.labels), level: context.titleLevel ?? 2 };
  if (context.rootTitle && tree.type === 'card' && titleInTree(tree)) {
    // The card's title stands where the frame's would: at the title level, naming the frame.
    return <div class="mw-tree">{renderCard(tree, { ...scope, level: scope.level - 1 }, widgetTitleId(context.containerId))}</div>;
  }
  return <div class="mw-tree">{renderNode(tree, scope)}</div>;
}

/** Whether a tree brings its own title: its root is a card with a title. */
export function titleInTree(tree: WidgetNode): boolean {
  return tree.type === 'card' && tree.title !== undefined;
}

function renderNode(node: WidgetNode, scope: Scope): Child {
  switch (node.type) {
    case 'card': return renderCard(node, scope);
    case 'stack':
      return (
        <div class={`mw-stack mw-stack-${node.direction ?? 'vertical'} mw-gap-${node.gap ?? 'medium'}`}>
          {node.children.map((child) => renderNode(child, scope))}
        </div>
      );
    case 'text':
      return <p class={`mw-text ${toneClass(node.tone)}`}><ToneMark tone={node.tone} labels={scope.labels} />{node.text}</p>;
    case 'heading':
      // Always one level under the enclosing title, so the outline never skips a level; the
      // plugin's level only sets the visual size.
      return <Heading level={scope.level + 1} class={`mw-heading mw-heading-${node.level ?? 1}`}>{node.text}</Heading>;
    case 'badge':
      return <span class={`mw-badge ${toneClass(node.tone)}`}><ToneMark tone={node.tone} labels={scope.labels} />{node.text}</span>;
    case 'keyValue':
      return (
        <dl class="mw-kv">
          {node.items.map((item) => (
            <div class="mw-kv-item"><dt>{item.label}</dt><dd>{formatValue(item.value, scope)}</dd></div>
          ))}
        </dl>
      );
    case 'table': return renderTable(node, scope);
    case 'timeline':
      return (
        <ol class="mw-timeline">
          {node.items.map((item) => (
            <li class={`mw-timeline-item ${toneClass(item.tone)}`}>
              <time datetime={item.at}>{scope.ctx.format.dateTime(item.at)}</time>
              <p class="mw-timeline-title"><ToneMark tone={item.tone} labels={scope.labels} />{item.title}</p>
              {item.description !== undefined && <p class="mw-timeline-description">{item.description}</p>}
            </li>
          ))}
        </ol>
      );
    case 'map':
      return raw(mapSvg(node, { ...(scope.ctx.map ?? DEFAULT_MAP_SIZE), toneWords: scope.labels.tones }));
    case 'link': return renderLink(node, scope);
    case 'button': return renderButton(node, scope);
  }
}

/** A card; `titleId` marks its title as the widget's own (see WidgetFrame's `titleInBody`). */
function renderCard(node: Extract<WidgetNode, { type: 'card' }>, scope: Scope, titleId?: string): Child {
  const children = (inner: Scope) => node.children.map((child) => renderNode(child, inner));
  if (node.title === undefined) return <div class="mw-card">{children(scope)}</div>;
  const inner = { ...scope, level: scope.level + 1 };
  return (
    <section class="mw-card">
      <Heading level={inner.level} id={titleId} class={titleId ? 'mw-card-title mw-widget-title' : 'mw-card-title'}>{node.title}</Heading>
      {children(inner)}
    </section>
  );
}

function renderTable(node: Extract<WidgetNode, { type: 'table' }>, scope: Scope): Child {
  const cell = (value: string | number | null) => value === null
    ? <><span aria-hidden="true">—</span><span class="mw-visually-hidden">{scope.labels.noValue}</span></>
    : formatValue(value, scope);
  // The wrapper scrolls sideways on narrow screens; focusable and named so keyboards reach it.
  return (
    <div class="mw-table-wrap" role="region" tabindex={0} aria-label={node.columns.join(', ')}>
      <table class="mw-table">
        <thead><tr>{node.columns.map((c) => <th scope="col">{c}</th>)}</tr></thead>
        <tbody>
          {node.rows.map((row) => (
            <tr>{row.map((value, i) => (i === 0 ? <th scope="row">{cell(value)}</th> : <td>{cell(value)}</td>))}</tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function renderLink(node: Extract<WidgetNode, { type: 'link' }>, scope: Scope): Child {
  const href = safeHttpHref(node.href);
  if (!href) return <span class="mw-link-refused">{node.text}</span>;
  return (
    <a class="mw-link" href={href} target="_blank" rel="noopener noreferrer nofollow">
      {node.text}<span class="mw-external" aria-hidden="true">↗</span>
      <span class="mw-visually-hidden"> {scope.labels.opensInNewTab}</span>
    </a>
  );
}

function renderButton(node: Extract<WidgetNode, { type: 'button' }>, scope: Scope): Child {
  const { ctx } = scope;
  return (
    <form
      class="mw-action" method="post" action={ctx.actionUrl}
      hx-post={ctx.actionUrl} hx-target={`#${ctx.containerId}`} hx-swap="outerHTML" hx-disabled-elt="find button"
    >
      <input type="hidden" name="_csrf" value={ctx.csrfToken} />
      <input type="hidden" name="widget" value={ctx.widgetKey} />
      <input type="hidden" name="action" value={node.action} />
      {node.input !== undefined && <input type="hidden" name="input" value={JSON.stringify(node.input)} />}
      <button type="submit" class={`mw-button mw-button-${node.variant ?? 'secondary'}`}>{node.label}</button>
    </form>
  );
}

/** A glyph for sighted readers and the tone's word for screen readers; nothing for neutral. */
function ToneMark(props: { tone: Tone | undefined; labels: WidgetLabels }) {
  if (!props.tone || props.tone === 'neutral') return null;
  return (
    <>
      <span class="mw-tone-icon" aria-hidden="true">{TONES[props.tone].glyph}</span>
      <span class="mw-visually-hidden">{props.labels.tones[props.tone]}: </span>
    </>
  );
}

function toneClass(tone: Tone | undefined): string {
  return `mw-tone-${tone ?? 'neutral'}`;
}

function formatValue(value: string | number, scope: Scope): string {
  return typeof value === 'number' ? scope.ctx.format.number(value) : value;
}
