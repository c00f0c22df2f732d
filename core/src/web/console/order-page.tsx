import type { Context } from 'hono';
import { getCustomer } from '../../domain/customers.js';
import { minorUnitsToDecimal } from '../../domain/currencies.js';
import { getOrder, linesOfOrders, type Order, type OrderLine } from '../../domain/orders.js';
import type { Platform } from '../../platform.js';
import type { Customer } from '../../domain/customers.js';
import { renderPage } from '../render.js';
import { staffTenantContext } from '../session/index.js';
import { useView } from '../view.js';
import { besideWidgets, loadWidgetSlot, WidgetSlot, type WidgetPageEnv, type WidgetSlotData } from '../widget-slot.js';
import { takeWidgetFlash } from '../widget-flash.js';
import { ConsolePage, consoleBase, type ConsoleUser } from './frame.js';
import { orderTotal } from './timeline-entry.js';
import { consoleUserOf } from './presence.js';

interface OrderData { order: Order; lines: OrderLine[]; customer: Customer; widgets: WidgetSlotData }

function OrderPage(props: { data: OrderData; user: ConsoleUser }) {
  const view = useView();
  const { t, format } = view;
  const base = consoleBase(view.tenant!.tenant.slug);
  const { order, lines, customer } = props.data;
  const title = t('console.customer.order', { number: order.number });
  return (
    <ConsolePage title={title} user={props.user} assets={['widgets.css']}>
      <h1>{title}</h1>
      <div class="c360">
        <div class="c360__main">
          <section class="card" aria-labelledby="order-h">
            <h2 id="order-h">{t('console.case.details')}</h2>
            <dl class="facts">
              <div><dt>{t('console.case.customer')}</dt><dd><a href={`${base}/customers/${customer.id}`}>{customer.name}</a></dd></div>
              <div><dt>{t('console.work.status')}</dt><dd>{t(`console.orderStatus.${order.status}`)}</dd></div>
              <div><dt>{t('console.order.placed')}</dt><dd><time datetime={order.placedAt.toISOString()}>{format.dateTime(order.placedAt)}</time></dd></div>
              <div><dt>{t('console.order.total')}</dt><dd>{orderTotal(view, order)}</dd></div>
            </dl>
            {lines.length > 0 && (
              <div class="table-scroll" role="region" aria-label={t('console.order.lines')} tabindex={0}>
                <table class="work-table">
                  <thead><tr><th scope="col">{t('console.order.item')}</th><th scope="col">{t('console.order.quantity')}</th><th scope="col">{t('console.order.unitPrice')}</th></tr></thead>
                  <tbody>
                    {lines.map((l) => (
                      <tr>
                        <td>{l.name} <span class="muted">({l.sku})</span></td>
                        <td>{format.number(l.quantity)}</td>
                        <td>{format.money(Number(minorUnitsToDecimal(l.unitPriceCents, order.currency)), order.currency)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </div>
        <aside class="c360__side" aria-label={title}>
          <WidgetSlot slot={props.data.widgets} base={base} csrfToken={props.user.csrfToken} />
        </aside>
      </div>
    </ConsolePage>
  );
}

/** GET /console/orders/:id — an order, its lines and the `console.order.sidebar` widgets. */
export async function showOrder(c: Context<WidgetPageEnv>, platform: Pick<Platform, 'plugins'>) {
  const ctx = staffTenantContext(c);
  const order = await getOrder(ctx, c.req.param('id')!);
  const slot = loadWidgetSlot(platform, { tenant: ctx, viewer: { actor: ctx.actor, role: ctx.role } }, 'console.order.sidebar', { order }, { flash: takeWidgetFlash(c) });
  const [widgets, [lines, customer]] = await besideWidgets(slot, () => Promise.all([linesOfOrders(ctx, [order.id]), getCustomer(ctx, order.customerId)]));
  return renderPage(c, c.var.view, <OrderPage data={{ order, lines, customer, widgets }} user={await consoleUserOf(c)} />);
}
