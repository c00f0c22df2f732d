import type { ExtensionPoint } from '@mosaic/sdk';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { getCase } from '../domain/cases.js';
import { getCustomer } from '../domain/customers.js';
import { getOrder } from '../domain/orders.js';
import { errorResponse } from '../http/authenticate.js';
import { AppError } from '../lib/errors.js';
import type { Platform } from '../platform.js';
import type { Caller } from '../plugins/host/index.js';
import type { WidgetResult, WidgetTarget } from '../plugins/widgets/index.js';
import type { TenantContext } from '../tenancy/context.js';
import { verifyCsrf, type WebSessionEnv } from './session/index.js';
import { ViewProvider, useView, type WebView } from './view.js';
import { keepWidgetFlash, type WidgetFlash } from './widget-flash.js';
import type { WebEnv } from './web-env.js';
import { WidgetView, parseWidgetKey, widgetDomId, type HeadingLevel, type WidgetLabels, type WidgetOutcome, type WidgetPageContext } from './widgets/index.js';

/**
 * The page's own reads, after its widgets have set off: the widgets' sandbox crossings go out on
 * this tick, and the reads (synchronous SQLite, on this thread) start once the event loop reaches
 * its check phase, so the sandbox renders while the database answers instead of after it.
 */
export async function besideWidgets<T>(slot: Promise<WidgetSlotData>, reads: () => Promise<T>): Promise<[WidgetSlotData, T]> {
  // Handled here too: a slot that fails while the reads wait for their turn is not "unhandled".
  slot.catch(() => undefined);
  await new Promise((resolve) => setImmediate(resolve));
  return Promise.all([slot, reads()]);
}

/** The hono environment of pages that show widgets: the view and the web session. */
export type WidgetPageEnv = { Variables: WebEnv['Variables'] & WebSessionEnv['Variables']; Bindings: WebEnv['Bindings'] };

/** Who looks at a widget: the domain context of the request and the plugin caller it becomes. */
export interface WidgetAccess { tenant: TenantContext; viewer: Caller }

/** The kinds of record a widget is drawn for, as they appear in the action route's path. */
export type WidgetTargetKind = 'customer' | 'case' | 'order';

/** A widget target by reference: what the action route needs to load it again. */
export interface WidgetTargetRef { kind: WidgetTargetKind; id: string }

/** One extension point's widgets, rendered and ready to draw; `flash`, an action's message kept across a no-JS post. */
export interface WidgetSlotData { point: ExtensionPoint; target: WidgetTargetRef; results: WidgetResult[]; flash: WidgetFlash | null }

/** Which record a target holds. */
export function targetRef(target: WidgetTarget): WidgetTargetRef {
  if ('customer' in target) return { kind: 'customer', id: target.customer.id };
  if ('case' in target) return { kind: 'case', id: target.case.id };
  return { kind: 'order', id: target.order.id };
}

/**
 * Renders the widgets at `point` for `target` in the sandbox, all at once within `budgetMs`
 * (a slow or failing widget becomes its own error box), as the viewer of `access`. Pages call it
 * inside their Promise.all so the widgets load beside the page's own data. `flash` is the
 * message a button posted without JavaScript left for this page (see `takeWidgetFlash`).
 *
 * @example
 * const [customer, slot] = await Promise.all([getCustomer(ctx, id), loadWidgetSlot(platform, access, 'console.customer.sidebar', { customer }, { flash: takeWidgetFlash(c) })]);
 */
export async function loadWidgetSlot(
  platform: Pick<Platform, 'plugins'>,
  access: WidgetAccess,
  point: ExtensionPoint,
  target: WidgetTarget,
  options: { budgetMs?: number; flash?: WidgetFlash | null } = {},
): Promise<WidgetSlotData> {
  const results = await platform.plugins.renderExtensionPoint(access.tenant, point, target, { viewer: access.viewer, budgetMs: options.budgetMs });
  return { point, target: targetRef(target), results, flash: options.flash ?? null };
}

/** The widget labels in the view's language. */
function translatedLabels(view: WebView): Partial<WidgetLabels> {
  const { t } = view;
  return {
    opensInNewTab: t('widgets.opensInNewTab'),
    couldNotShow: t('widgets.couldNotShow'),
    errorCode: t('widgets.errorCode'),
    empty: t('widgets.empty'),
    noValue: t('widgets.noValue'),
    tones: {
      neutral: t('widgets.tones.neutral'), info: t('widgets.tones.info'), success: t('widgets.tones.success'),
      warning: t('widgets.tones.warning'), danger: t('widgets.tones.danger'),
    },
  };
}

/** Where the buttons of a widget for `target` post, under an area's base path (`/t/<slug>/console`). */
export const widgetActionUrl = (base: string, target: WidgetTargetRef) => `${base}/widgets/${target.kind}/${encodeURIComponent(target.id)}/actions`;

/** What every widget of a page shares: where buttons post, the form token, formats and labels. */
function pageContext(view: WebView, base: string, target: WidgetTargetRef, csrfToken: string, titleLevel?: HeadingLevel): WidgetPageContext {
  return {
    actionUrl: widgetActionUrl(base, target),
    csrfToken,
    format: { dateTime: (iso) => view.format.dateTime(new Date(iso)), number: view.format.number },
    titleLevel,
    labels: translatedLabels(view),
  };
}

/** The id of the slot's status line, where an action's message is announced (an htmx out-of-band swap). */
const STATUS_ID = 'widget-status';

/**
 * The widgets of one extension point, each in its own frame; nothing when no plugin puts a
 * widget there. The page must list `widgets.css` among its assets.
 */
export function WidgetSlot(props: { slot: WidgetSlotData; base: string; csrfToken: string; titleLevel?: HeadingLevel }) {
  const view = useView();
  if (props.slot.results.length === 0) return null;
  const page = pageContext(view, props.base, props.slot.target, props.csrfToken, props.titleLevel);
  return (
    <div class="widget-slot" role="region" aria-label={view.t('widgets.region')} data-point={props.slot.point}>
      <p id={STATUS_ID} class="mw-widget-message" role="status"></p>
      {props.slot.results.map((result) => {
        const flash = props.slot.flash;
        return <WidgetView result={result} page={page} message={flash?.frameId === widgetDomId(result.installationId, result.widgetId) ? flash.message : undefined} />;
      })}
    </div>
  );
}

/** How an area (console, portal) plugs the action route into its pages. */
export interface WidgetArea {
  /** The area's path segment under /t/<slug>/. */
  name: 'console' | 'portal';
  /** The signed-in request's domain context and viewer (after the area's sign-in guard). */
  access(c: Context<WidgetPageEnv>): WidgetAccess;
  /** The page showing `target`, where a button posted without JavaScript returns. */
  pageOf(slug: string, target: WidgetTargetRef): string;
  /** The HTML 404 page: a foreign or missing record, installation, widget or action. */
  notFound(c: Context<WidgetPageEnv>): Response | Promise<Response>;
}

const KINDS = ['customer', 'case', 'order'] as const;
const pathSchema = z.object({ kind: z.enum(KINDS), id: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/) });
const bodySchema = z.object({
  widget: z.string().max(140),
  action: z.string().min(1).max(64),
  // The button's input as the page wrote it; its size is checked again by the runtime.
  input: z.string().max(16 * 1024).optional(),
});

/** Loads the record a widget was drawn for, with the viewer's domain context (foreign ids: NOT_FOUND). */
async function loadTarget(tenant: TenantContext, ref: WidgetTargetRef): Promise<WidgetTarget> {
  if (ref.kind === 'customer') return { customer: await getCustomer(tenant, ref.id) };
  if (ref.kind === 'case') return { case: await getCase(tenant, ref.id) };
  return { order: await getOrder(tenant, ref.id) };
}

function parseInput(raw: string | undefined): unknown {
  if (raw === undefined || raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new AppError('BAD_USER_INPUT', 'the button input is not JSON');
  }
}

/**
 * The route behind widget buttons, `POST <area>/widgets/:kind/:id/actions` (mount it after the
 * area's sign-in guard): checks the CSRF token, runs the plugin's action in the sandbox as the
 * viewer, and answers the widget drawn again for htmx (the plugin's message goes to the slot's
 * status line out of band), or a 303 back to the page for a plain form post. A failed action
 * shows its code in the widget's error box; a foreign or unknown record, installation, widget or
 * action is the area's 404 page, as for a missing one.
 *
 * @example
 * routes.use('*', webSession(platform), requireWebUser('staff'));
 * routes.route('/', widgetActionRoutes(platform, consoleWidgets));
 */
export function widgetActionRoutes(platform: Pick<Platform, 'plugins'>, area: WidgetArea): Hono<WidgetPageEnv> {
  const routes = new Hono<WidgetPageEnv>();
  routes.post('/widgets/:kind/:id/actions', verifyCsrf(), async (c) => {
    const path = pathSchema.safeParse(c.req.param());
    if (!path.success) return area.notFound(c);
    const target: WidgetTargetRef = path.data;
    const body = bodySchema.safeParse(await c.req.parseBody());
    if (!body.success) return errorResponse(c, 400, 'BAD_USER_INPUT', 'the widget button sent something unexpected; reload the page');
    const named = parseWidgetKey(body.data.widget);
    if (!named) return area.notFound(c);
    const { installationId, widgetId } = named;
    const htmx = c.req.header('hx-request') === 'true';
    const slug = c.var.webTenant.slug;
    const base = `/t/${slug}/${area.name}`;
    const access = area.access(c);
    let answer: { result: WidgetOutcome; message?: string };
    try {
      const record = await loadTarget(access.tenant, target);
      const done = await platform.plugins.runWidgetAction(access.tenant, access.viewer, {
        installationId, widgetId, action: body.data.action, input: parseInput(body.data.input), target: record,
      });
      answer = { result: done.widget, message: done.message };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.code === 'NOT_FOUND') return area.notFound(c);
      answer = { result: { installationId, widgetId, title: c.var.view.t('widgets.actionFailed'), state: 'error', code: error.code } };
    }
    const frameId = widgetDomId(installationId, widgetId);
    if (!htmx) {
      // Without JavaScript the page is drawn again after the redirect: the message waits for it.
      const message = answer.result.state === 'error' ? `${answer.result.title} (${c.var.view.t('widgets.errorCode')}: ${answer.result.code})` : answer.message;
      if (message) keepWidgetFlash(c, { frameId, message });
      return c.redirect(`${area.pageOf(slug, target)}#${frameId}`, 303);
    }
    const html = await (
      <ViewProvider value={c.var.view}>
        <WidgetView result={answer.result} page={pageContext(c.var.view, base, target, c.var.csrfToken)} />
        <p id={STATUS_ID} class="mw-widget-message" role="status" hx-swap-oob="true">{answer.message ?? ''}</p>
      </ViewProvider>
    ).toString();
    return c.html(html, 200, { 'cache-control': 'no-store' });
  });
  return routes;
}
