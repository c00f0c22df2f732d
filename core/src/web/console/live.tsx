import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { getCustomer } from '../../domain/customers.js';
import { liveEvents, type LiveSubscription } from '../../domain/live-events.js';
import { encodeCursor } from '../../domain/pagination.js';
import { customerTimeline, timelineItemOfEvent, type TimelineItem } from '../../domain/timeline.js';
import type { TenantContext } from '../../tenancy/context.js';
import { webSessionIsOpen } from '../../tenancy/web-sessions.js';
import type { SubscriptionSlots } from '../../graphql/subscriptions/index.js';
import { AppError } from '../../lib/errors.js';
import { errorResponse } from '../../http/authenticate.js';
import { staffTenantContext } from '../session/index.js';
import { ViewProvider } from '../view.js';
import type { WidgetPageEnv } from '../widget-slot.js';
import { TimelineEntry } from './timeline-entry.js';

/** A comment line this often keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 25_000;
/** How often an open stream checks that its session was not ended (sign-out in another tab, revocation). */
export const SESSION_CHECK_MS = 2_000;
/** setTimeout's longest delay (about 24 days); a stream that reaches it ends and the browser reconnects. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Most entries a (re)connecting page catches up with; a longer absence reloads to see the rest. */
const CATCH_UP = 50;

/**
 * The customer's entries newer than the timeline cursor `since` (the page's newest entry, or the
 * last one this stream sent), oldest first, so each goes on top in turn. None without a cursor;
 * a cursor this server did not issue is ignored rather than refused.
 */
async function entriesSince(ctx: TenantContext, customerId: string, since: string | undefined): Promise<TimelineItem[]> {
  if (!since || since.length > 200) return [];
  try {
    const page = await customerTimeline(ctx, customerId, { last: CATCH_UP, before: since });
    return page.edges.map((e) => e.node).reverse();
  } catch (error) {
    if (error instanceof AppError && error.code === 'BAD_USER_INPUT') return [];
    throw error;
  }
}

/**
 * GET /console/customers/:id/live — the customer's new timeline entries as server-sent events,
 * each the entry's HTML (event `timeline`) for htmx's SSE extension to put on top of the list.
 * It starts with the entries newer than the page's newest (`?since=<cursor>`, or Last-Event-ID
 * when the browser reconnects), so nothing written while the page loaded or the link was down is lost.
 *
 * Why not a GraphQL subscription from the page: the browser holds a session cookie, not an API
 * key, and would need JSON turned into HTML by script; here the server listens to the same bus
 * the subscriptions use, renders with the page's own component, and takes its slot from the
 * same per-tenant and per-principal count (`web:<user>`), so the limits and the server's
 * shutdown apply alike. The tenant is the session's, the customer is checked in its database.
 */
export async function streamCustomerLive(c: Context<WidgetPageEnv>, slots: SubscriptionSlots) {
  const ctx = staffTenantContext(c);
  const customer = await getCustomer(ctx, c.req.param('id')!);
  let live: LiveSubscription | undefined;
  let release: () => void;
  try {
    release = slots.acquire(ctx.tenantId, ctx.actor, () => void live?.return());
  } catch (error) {
    if (error instanceof AppError && error.code === 'TOO_MANY_SUBSCRIPTIONS') return errorResponse(c, 429, error.code, error.message);
    throw error;
  }
  live = liveEvents.subscribe(ctx.tenantId, (e) => e.customerId === customer.id && timelineItemOfEvent(e) !== null, release);
  const subscription = live;
  // Listening first, then reading what the page has not shown: nothing falls between the two.
  const missed = await entriesSince(ctx, customer.id, c.req.header('last-event-id') ?? c.req.query('since')).catch(async (error: unknown) => {
    await subscription.return();
    throw error;
  });
  const view = c.var.view;
  // The stream lasts no longer than the session it was opened with: it ends at the session's
  // deadline, and within SESSION_CHECK_MS of a sign-out elsewhere (checked again before each
  // entry sent). The browser's reconnect then passes the sign-in check again, and is refused.
  const session = c.var.webSession!;
  const endsAt = Math.min(session.expiresAt.getTime(), session.lastSeenAt.getTime() + c.var.webSessionSetup.lifetimes.idleMs);
  const sessionOpen = () => webSessionIsOpen(ctx.data, session.id).catch(() => false);
  c.header('cache-control', 'no-store');
  return streamSSE(c, async (stream) => {
    stream.onAbort(() => void subscription.return());
    const keepalive = setInterval(() => void stream.write(': keepalive\n\n').catch(() => subscription.return()), KEEPALIVE_MS);
    const expiry = setTimeout(() => void subscription.return(), Math.min(MAX_TIMER_MS, Math.max(0, endsAt - Date.now())));
    const watch = setInterval(() => void sessionOpen().then((open) => { if (!open) void subscription.return(); }), SESSION_CHECK_MS);
    const send = async (entry: TimelineItem) => {
      if (!(await sessionOpen())) return subscription.return();
      const html = await (<ViewProvider value={view}><TimelineEntry entry={entry} /></ViewProvider>).toString();
      // The id is the entry's timeline cursor: a reconnecting browser sends it back as Last-Event-ID.
      await stream.writeSSE({ event: 'timeline', id: encodeCursor(entry.at.getTime(), entry.id), data: html });
    };
    try {
      for (const entry of missed) await send(entry);
      // An entry written during the catch-up read arrives both ways: sent once.
      const caughtUp = new Set(missed.map((e) => e.id));
      for await (const event of subscription) {
        const entry = timelineItemOfEvent(event)!;
        if (!caughtUp.has(entry.id)) await send(entry);
      }
    } finally {
      clearInterval(keepalive);
      clearInterval(watch);
      clearTimeout(expiry);
      await subscription.return();
    }
  }, async () => { await subscription.return(); });
}
