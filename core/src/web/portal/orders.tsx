import { Hono } from 'hono';
import type { Order, OrderLine } from '../../domain/orders.js';
import { readingFor, type PortalCustomer } from '../../domain/portal-customer.js';
import { getMyOrder, listMyOrders } from '../../domain/portal-orders.js';
import type { Platform } from '../../platform.js';
import { useView } from '../view.js';
import { loadWidgetSlot, WidgetSlot, widgetActionRoutes, type WidgetAccess, type WidgetSlotData } from '../widget-slot.js';
import { takeWidgetFlash } from '../widget-flash.js';
import { customerOf, portalBase, type PortalContext, type PortalEnv } from './context.js';
import { PortalPage, type PortalViewer } from './portal-page.js';
import { listWindow, orNotFound, sendPage, viewerOf } from './render-portal.js';

/**
 * Widgets on portal pages run as the customer (the plugin reaches only their records); the
 * domain context is read-only, the caller decides what a button may write.
 */
export function portalWidgetAccess(customer: PortalCustomer): WidgetAccess {
  return { tenant: readingFor(customer), viewer: { kind: 'customer', actor: `web:${customer.userId}`, customerId: customer.customerId } };
}

const money = (cents: number) => cents / 100;

function OrderStatus(props: { status: Order['status'] }) {
  const { t } = useView();
  return <span class={`portal-status portal-status--${props.status.toLowerCase()}`}>{t(`portal.orders.statuses.${props.status}`)}</span>;
}

function OrdersPage(props: { base: string; viewer: PortalViewer; orders: Order[]; next: string | null }) {
  const { t, format } = useView();
  return (
    <PortalPage title={t('portal.orders.title')} section="orders" viewer={props.viewer}>
      <h1>{t('portal.orders.title')}</h1>
      {props.orders.length === 0 ? <p>{t('portal.orders.none')}</p> : (
        <ul class="portal-list">
          {props.orders.map((o) => (
            <li class="card">
              <h2 class="portal-list__title"><a href={`${props.base}/orders/${o.id}`}>{t('portal.orders.number', { number: o.number })}</a></h2>
              <p class="muted">{format.date(o.placedAt)} · <OrderStatus status={o.status} /> · {format.money(money(o.totalCents), o.currency)}</p>
            </li>
          ))}
        </ul>
      )}
      {props.next && <p><a href={`${props.base}/orders?after=${encodeURIComponent(props.next)}`}>{t('portal.orders.more')}</a></p>}
    </PortalPage>
  );
}

function OrderPage(props: { base: string; viewer: PortalViewer; order: Order; lines: OrderLine[]; slot: WidgetSlotData }) {
  const { t, format } = useView();
  const { order } = props;
  return (
    <PortalPage title={t('portal.orders.number', { number: order.number })} section="orders" viewer={props.viewer} widgets>
      <h1>{t('portal.orders.number', { number: order.number })}</h1>
      <dl class="portal-facts">
        <div><dt>{t('portal.orders.placed')}</dt><dd>{format.dateTime(order.placedAt)}</dd></div>
        <div><dt>{t('portal.orders.status')}</dt><dd><OrderStatus status={order.status} /></dd></div>
        <div><dt>{t('portal.orders.total')}</dt><dd>{format.money(money(order.totalCents), order.currency)}</dd></div>
      </dl>
      <h2>{t('portal.orders.lines')}</h2>
      <div class="portal-table-wrap" role="region" aria-label={t('portal.orders.lines')} tabindex={0}>
        <table class="portal-table">
          <thead>
            <tr><th scope="col">{t('portal.orders.item')}</th><th scope="col">{t('portal.orders.sku')}</th><th scope="col" class="num">{t('portal.orders.quantity')}</th><th scope="col" class="num">{t('portal.orders.unitPrice')}</th><th scope="col" class="num">{t('portal.orders.lineTotal')}</th></tr>
          </thead>
          <tbody>
            {props.lines.map((l) => (
              <tr>
                <td>{l.name}</td><td>{l.sku}</td><td class="num">{format.number(l.quantity)}</td>
                <td class="num">{format.money(money(l.unitPriceCents), order.currency)}</td>
                <td class="num">{format.money(money(l.unitPriceCents * l.quantity), order.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <WidgetSlot slot={props.slot} base={props.base} csrfToken={props.viewer.csrfToken} titleLevel={2} />
    </PortalPage>
  );
}

/** The customer's orders and an order's page with the plugins' `portal.order.detail` widgets. */
export function orderRoutes(platform: Pick<Platform, 'plugins'>, notFound: (c: PortalContext) => Response | Promise<Response>): Hono<PortalEnv> {
  const routes = new Hono<PortalEnv>();
  routes.get('/orders', async (c) => {
    const page = await listMyOrders(customerOf(c), listWindow(c, 20));
    return sendPage(c, <OrdersPage base={portalBase(c)} viewer={viewerOf(c)!} orders={page.edges.map((e) => e.node)} next={page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null} />);
  });
  routes.get('/orders/:id', (c) => orNotFound(c, notFound, async () => {
    const customer = customerOf(c);
    const { order, lines } = await getMyOrder(customer, c.req.param('id'));
    // The order must be the customer's before any plugin is asked to draw it.
    const slot = await loadWidgetSlot(platform, portalWidgetAccess(customer), 'portal.order.detail', { order }, { flash: takeWidgetFlash(c) });
    return sendPage(c, <OrderPage base={portalBase(c)} viewer={viewerOf(c)!} order={order} lines={lines} slot={slot} />);
  }));
  routes.route('/', widgetActionRoutes(platform, {
    name: 'portal',
    access: (c) => portalWidgetAccess(customerOf(c)),
    pageOf: (slug, target) => (target.kind === 'order' ? `/t/${slug}/portal/orders/${encodeURIComponent(target.id)}` : `/t/${slug}/portal`),
    notFound,
  }));
  return routes;
}
