import type { Context } from 'hono';
import type { LiveCall, LiveCallEvent as CallEvent, LiveEvent } from '../../domain/live-events.js';
import type { SubscriptionSlots } from '../../graphql/subscriptions/index.js';
import type { WebUser } from '../../tenancy/web-users.js';
import { useView, ViewProvider } from '../view.js';
import type { WidgetPageEnv } from '../widget-slot.js';
import { consoleBase } from './frame.js';
import { openLiveStream } from './live.js';

const isCallEvent = (e: LiveEvent): e is CallEvent => 'call' in e;

/** The telephone system names agents by name or email (CTI `user`); either identifies the signed-in user. */
const names = (call: LiveCall, user: Pick<WebUser, 'name' | 'email'>) =>
  call.agents.some((a) => [user.name, user.email].some((n) => n.toLowerCase() === a.toLowerCase()));

/**
 * Who is shown a call: every signed-in staff user of the tenant for an incoming call (the
 * telephone system decides whose phone rings, and an agent who is busy or away in routing may
 * still be the one to pick up, as in Zammad's caller log), and for an outgoing call only the
 * agent it names (the one who dialled).
 */
const popsFor = (event: CallEvent, user: Pick<WebUser, 'name' | 'email'>) =>
  event.call.direction === 'INBOUND' || names(event.call, user);

/**
 * The screen pop of one call event: who calls (the customer's name when the number was known,
 * else the number only), the call's state ("You answered this call" when the telephone system
 * names this agent), and the link to the caller's 360 with the call's notes form open.
 */
export function CallPop(props: { event: CallEvent; user: Pick<WebUser, 'name' | 'email'> }) {
  const view = useView();
  const { t } = view;
  const { call, customerId } = props.event;
  const number = call.direction === 'INBOUND' ? call.from : call.to;
  const title = props.event.type === 'call.ringing' ? t(call.direction === 'INBOUND' ? 'telephony.pop.ringing' : 'telephony.pop.ringingOut')
    : props.event.type === 'call.ended' ? t('telephony.pop.ended')
    : names(call, props.user) ? t('telephony.pop.answeredByYou') : t('telephony.pop.answered');
  const href = `${consoleBase(view.tenant!.tenant.slug)}/customers/${customerId}?call=${call.interactionId}#call-notes-h`;
  return (
    <div class={`call-pop call-pop--${props.event.type.slice('call.'.length)}`} role="alert" tabindex={-1} data-call={call.callId}>
      <p class="call-pop__title"><strong>{title}</strong></p>
      <p class="call-pop__who">
        {call.customerName ? <><span class="call-pop__name">{call.customerName}</span> <span class="muted">{t('telephony.pop.from', { number })}</span></> : t('telephony.pop.unknownCaller', { number })}
      </p>
      {props.event.type === 'call.answered' && call.agents.length > 0 && !names(call, props.user) && <p class="muted">{call.agents.join(', ')}</p>}
      <a class="button" href={href}>{call.customerName ? t('telephony.pop.open360', { name: call.customerName }) : t('telephony.pop.openRecord', { number })}</a>
    </div>
  );
}

/**
 * GET /console/calls/live — the tenant's call events as server-sent events (`call`, the pop's
 * HTML), for every console page of a signed-in staff user. The tenant is the session's: another
 * tenant's calls are on another bus key and never reach this stream. Same slots, keepalive and
 * session checks as the live timeline (openLiveStream). Nothing is replayed on reconnect: a call
 * that rang while the page was away is on the timeline, not worth a late pop.
 */
export function streamCallPops(c: Context<WidgetPageEnv>, slots: SubscriptionSlots) {
  const user = c.var.webUser!;
  const view = c.var.view;
  return openLiveStream(c, slots, {
    filter: (e) => isCallEvent(e) && popsFor(e, user),
    message: async (e) => ({ event: 'call', data: await (<ViewProvider value={view}><CallPop event={e as CallEvent} user={user} /></ViewProvider>).toString() }),
  });
}
