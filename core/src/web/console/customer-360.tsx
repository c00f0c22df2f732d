import type { Context } from 'hono';
import { z } from 'zod';
import { listCases, type Case } from '../../domain/cases.js';
import { customerIdentities, getCustomer, type Customer, type Identity } from '../../domain/customers.js';
import { listOrders, type Order } from '../../domain/orders.js';
import { getCustomerCall } from '../../domain/intake/calls.js';
import { encodeCursor, type Connection } from '../../domain/pagination.js';
import { customerTimeline, type TimelineItem } from '../../domain/timeline.js';
import { AppError } from '../../lib/errors.js';
import type { Platform } from '../../platform.js';
import { renderPage } from '../render.js';
import { staffTenantContext } from '../session/index.js';
import { useView } from '../view.js';
import { besideWidgets, loadWidgetSlot, WidgetSlot, type WidgetPageEnv, type WidgetSlotData } from '../widget-slot.js';
import { takeWidgetFlash } from '../widget-flash.js';
import { ConsolePage, ListCard, TelLink, consoleBase, type ConsoleUser } from './frame.js';
import { CallNotesCard, DialButton, TelephonyNotice, type TelephonyState } from './telephony.js';
import { orderTotal, TimelineEntry } from './timeline-entry.js';
import { consoleUserOf } from './presence.js';

const TIMELINE_PAGE = 20;
const SIDE_LIST = 10;
const cursor = z.string().max(200).regex(/^[A-Za-z0-9_-]+$/);
const querySchema = z.object({ after: cursor.optional() });
/** `?call=<the call's interaction id>`: the 360 opened from a screen pop, with that call's notes form. */
const callQuery = z.object({ call: z.uuid() });

interface Customer360 {
  customer: Customer;
  identities: Identity[];
  timeline: Connection<TimelineItem>;
  cases: Case[];
  orders: Order[];
  widgets: WidgetSlotData;
  /** The first page listens for new entries; older pages are history. */
  live: boolean;
  /** When the page's data was read (ms), where an empty timeline's stream starts. */
  renderedAt: number;
  telephony: TelephonyState;
}

function Profile(props: { customer: Customer; csrfToken: string }) {
  const { t, format } = useView();
  const c = props.customer;
  return (
    <dl class="facts">
      {c.email && <div><dt>{t('console.customer.email')}</dt><dd><a href={`mailto:${c.email}`}>{c.email}</a></dd></div>}
      {c.phone && <div><dt>{t('console.customer.phone')}</dt><dd class="phone"><TelLink phone={c.phone} />{c.status !== 'MERGED' && <> <DialButton customerId={c.id} phone={c.phone} csrfToken={props.csrfToken} /></>}</dd></div>}
      <div><dt>{t('console.customer.statusLabel')}</dt><dd>{t(`console.customerStatus.${c.status}`)}</dd></div>
      <div><dt>{t('console.customer.since')}</dt><dd><time datetime={c.createdAt.toISOString()}>{format.date(c.createdAt)}</time></dd></div>
    </dl>
  );
}

function Identities(props: { identities: Identity[]; csrfToken: string }) {
  const { t } = useView();
  if (props.identities.length === 0) return <p class="muted">{t('console.customer.noIdentities')}</p>;
  return (
    <ul class="plain-list">
      {props.identities.map((i) => (
        <li>
          <span class="muted">{t(`console.identityKinds.${i.kind}`)}{i.provider ? ` (${i.provider})` : ''}: </span>
          {i.kind === 'PHONE' ? <><TelLink phone={i.value} /> <DialButton customerId={i.customerId} phone={i.value} csrfToken={props.csrfToken} /></> : <span class="break">{i.value}</span>}
          {i.verified && <span class="tag">{t('console.customer.verified')}</span>}
        </li>
      ))}
    </ul>
  );
}

function Customer360Page(props: { data: Customer360; user: ConsoleUser }) {
  const view = useView();
  const { t, format } = view;
  const base = consoleBase(view.tenant!.tenant.slug);
  const { customer, timeline } = props.data;
  // The stream starts after the newest entry shown (or now, for an empty timeline).
  const since = timeline.pageInfo.startCursor ?? encodeCursor(props.data.renderedAt, '');
  const liveUrl = `${base}/customers/${customer.id}/live?since=${since}`;
  return (
    <ConsolePage title={customer.name} user={props.user} assets={['widgets.css', 'htmx-sse.js']}>
      <h1>{customer.name}</h1>
      <TelephonyNotice state={props.data.telephony} />
      {customer.status === 'MERGED' && customer.mergedIntoId && (
        <p class="notice notice--info">{t('console.customer.merged')} <a href={`${base}/customers/${customer.mergedIntoId}`}>{t('console.customer.mergedLink')}</a></p>
      )}
      <div class="c360">
        <div class="c360__main">
          <section class="card" aria-labelledby="profile-h">
            <h2 id="profile-h">{t('console.customer.profile')}</h2>
            <Profile customer={customer} csrfToken={props.user.csrfToken} />
            <h3>{t('console.customer.identities')}</h3>
            <Identities identities={props.data.identities} csrfToken={props.user.csrfToken} />
          </section>
          {props.data.telephony.call && <CallNotesCard customerId={customer.id} call={props.data.telephony.call} csrfToken={props.user.csrfToken} />}
          <section class="card" aria-labelledby="timeline-h" {...(props.data.live ? { 'hx-ext': 'sse', 'sse-connect': liveUrl } : {})}>
            <h2 id="timeline-h">{t('console.customer.timeline')}</h2>
            {props.data.live && <p class="muted">{t('console.customer.liveNote')}</p>}
            {timeline.edges.length === 0 && <p class="timeline__empty">{t('console.customer.timelineEmpty')}</p>}
            <ol id="timeline" class="timeline" {...(props.data.live ? { 'sse-swap': 'timeline', 'hx-swap': 'afterbegin', 'aria-live': 'polite', 'aria-relevant': 'additions' } : {})}>
              {timeline.edges.map((e) => <TimelineEntry entry={e.node} />)}
            </ol>
            <p class="pager">
              {!props.data.live && <a href={`${base}/customers/${customer.id}`}>{t('console.customer.newest')}</a>}
              {timeline.pageInfo.hasNextPage && timeline.pageInfo.endCursor && (
                <a href={`${base}/customers/${customer.id}?after=${timeline.pageInfo.endCursor}#timeline-h`}>{t('console.customer.older')}</a>
              )}
            </p>
          </section>
        </div>
        <aside class="c360__side" aria-label={customer.name}>
          <ListCard id="cases-h" title={t('console.customer.cases')} empty={t('console.customer.noCases')} items={props.data.cases}
            item={(k) => <><a href={`${base}/cases/${k.id}`}>#{k.number} {k.subject}</a> <span class="tag">{t(`console.caseStatus.${k.status}`)}</span></>} />
          <ListCard id="orders-h" title={t('console.customer.orders')} empty={t('console.customer.noOrders')} items={props.data.orders}
            item={(o) => (
              <>
                <a href={`${base}/orders/${o.id}`}>{t('console.customer.order', { number: o.number })}</a> · {orderTotal(view, o)} · {t(`console.orderStatus.${o.status}`)}{' · '}
                <time datetime={o.placedAt.toISOString()}>{format.date(o.placedAt)}</time>
              </>
            )} />
          <WidgetSlot slot={props.data.widgets} base={base} csrfToken={props.user.csrfToken} />
        </aside>
      </div>
    </ConsolePage>
  );
}

/**
 * GET /console/customers/:id — the customer 360: one round trip, widgets loaded beside the rows.
 * With `?call=` (from a screen pop) the notes form of that call of the customer; another
 * customer's call is the 404 page. The telephony forms answer with this page and `telephony`
 * (what was typed, why it was refused) and their status.
 */
export async function showCustomer360(c: Context<WidgetPageEnv>, platform: Pick<Platform, 'plugins'>, telephony: TelephonyState = {}, status: 200 | 422 = 200) {
  const ctx = staffTenantContext(c);
  const query = querySchema.safeParse(c.req.query());
  const after = query.success ? query.data.after : undefined;
  const callId = c.req.query('call') === undefined ? undefined : callQuery.safeParse(c.req.query()).data?.call ?? '';
  const customer = await getCustomer(ctx, c.req.param('id')!);
  const renderedAt = Date.now();
  const flash = takeWidgetFlash(c);
  const slot = loadWidgetSlot(platform, { tenant: ctx, viewer: { actor: ctx.actor, role: ctx.role } }, 'console.customer.sidebar', { customer }, { flash });
  const [widgets, [identities, timeline, cases, orders, call]] = await besideWidgets(slot, () => Promise.all([
    customerIdentities(ctx, [customer.id]),
    customerTimeline(ctx, customer.id, { first: TIMELINE_PAGE, after: after ?? null }),
    listCases(ctx, { first: SIDE_LIST, filter: { customerId: customer.id } }),
    listOrders(ctx, { first: SIDE_LIST, filter: { customerId: customer.id } }),
    telephony.call || callId === undefined ? null : callId === '' ? Promise.reject(new AppError('NOT_FOUND', 'not found')) : getCustomerCall(ctx, customer.id, callId),
  ]));
  const data: Customer360 = {
    customer, identities, timeline, widgets, live: after === undefined, renderedAt,
    telephony: { ...telephony, call: telephony.call ?? (call ? { interaction: call } : null), flash },
    cases: cases.edges.map((e) => e.node), orders: orders.edges.map((e) => e.node),
  };
  return renderPage(c, c.var.view, <Customer360Page data={data} user={await consoleUserOf(c)} />, status);
}
