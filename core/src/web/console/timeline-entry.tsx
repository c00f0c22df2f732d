import { minorUnitsToDecimal } from '../../domain/currencies.js';
import type { Order } from '../../domain/orders.js';
import type { TimelineItem } from '../../domain/timeline.js';
import { useView, type WebView } from '../view.js';
import { consoleBase } from './frame.js';

/** An order's total in the viewer's locale. */
export function orderTotal(view: WebView, order: Order): string {
  return view.format.money(Number(minorUnitsToDecimal(order.totalCents, order.currency)), order.currency);
}

/**
 * One entry of a customer's timeline, the same on the 360 page and in its live stream: what
 * happened, when, on which channel, and a link to the case it belongs to.
 */
export function TimelineEntry(props: { entry: TimelineItem }) {
  const view = useView();
  const { t, format } = view;
  const base = consoleBase(view.tenant!.tenant.slug);
  const { entry } = props;
  const when = <time datetime={entry.at.toISOString()}>{format.dateTime(entry.at)}</time>;
  if (entry.kind === 'INTERACTION') {
    const i = entry.item;
    return (
      <li class={`timeline__item timeline__item--${i.direction.toLowerCase()}`} id={`tl-${i.id}`}>
        <p class="timeline__meta">
          {t('console.timeline.INTERACTION', { channel: t(`console.channels.${i.channel}`), direction: t(`console.directions.${i.direction}`) })}
          {' · '}{when}
          {i.caseId && <>{' · '}<a href={`${base}/cases/${i.caseId}`}>{t('console.work.number')}</a></>}
        </p>
        {i.subject && <p class="timeline__subject">{i.subject}</p>}
        <p class="timeline__body">{i.body.length > 600 ? `${i.body.slice(0, 600)}…` : i.body}</p>
      </li>
    );
  }
  if (entry.kind === 'CASE') {
    const k = entry.item;
    return (
      <li class="timeline__item timeline__item--case" id={`tl-${k.id}`}>
        <p class="timeline__meta">{when} · {t(`console.caseStatus.${k.status}`)}</p>
        <p><a href={`${base}/cases/${k.id}`}>{t('console.timeline.CASE', { number: k.number, subject: k.subject })}</a></p>
      </li>
    );
  }
  const o = entry.item;
  return (
    <li class="timeline__item timeline__item--order" id={`tl-${o.id}`}>
      <p class="timeline__meta">{when} · {t(`console.orderStatus.${o.status}`)}</p>
      <p>{t('console.timeline.ORDER', { number: o.number, total: orderTotal(view, o) })}</p>
    </li>
  );
}
