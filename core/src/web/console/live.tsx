import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { getCustomer } from '../../domain/customers.js';
import { liveEvents, type LiveSubscription } from '../../domain/live-events.js';
import { timelineItemOfEvent } from '../../domain/timeline.js';
import type { SubscriptionSlots } from '../../graphql/subscriptions/index.js';
import { AppError } from '../../lib/errors.js';
import { errorResponse } from '../../http/authenticate.js';
import { staffTenantContext } from '../session/index.js';
import { ViewProvider } from '../view.js';
import type { WidgetPageEnv } from '../widget-slot.js';
import { TimelineEntry } from './timeline-entry.js';

/** A comment line this often keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 25_000;
/** setTimeout's longest delay (about 24 days); a stream that reaches it ends and the browser reconnects. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * GET /console/customers/:id/live — the customer's new timeline entries as server-sent events,
 * each the entry's HTML (event `timeline`) for htmx's SSE extension to put on top of the list.
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
  const view = c.var.view;
  // The stream lasts no longer than the session it was opened with; the browser's reconnect
  // passes the sign-in check again (a signed-out or expired session is refused there).
  const session = c.var.webSession!;
  const endsAt = Math.min(session.expiresAt.getTime(), session.lastSeenAt.getTime() + c.var.webSessionSetup.lifetimes.idleMs);
  c.header('cache-control', 'no-store');
  return streamSSE(c, async (stream) => {
    stream.onAbort(() => void subscription.return());
    const keepalive = setInterval(() => void stream.write(': keepalive\n\n').catch(() => subscription.return()), KEEPALIVE_MS);
    const expiry = setTimeout(() => void subscription.return(), Math.min(MAX_TIMER_MS, Math.max(0, endsAt - Date.now())));
    try {
      for await (const event of subscription) {
        const entry = timelineItemOfEvent(event)!;
        const html = await (<ViewProvider value={view}><TimelineEntry entry={entry} /></ViewProvider>).toString();
        await stream.writeSSE({ event: 'timeline', id: entry.id, data: html });
      }
    } finally {
      clearInterval(keepalive);
      clearTimeout(expiry);
      await subscription.return();
    }
  }, async () => { await subscription.return(); });
}
