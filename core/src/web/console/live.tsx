import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { getCustomer } from '../../domain/customers.js';
import { liveEvents, type LiveEvent, type LiveSubscription } from '../../domain/live-events.js';
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

/** One server-sent event: its name, the HTML htmx swaps in, and (to resume from) its id. */
export interface LiveMessage { event: string; data: string; id?: string }

/**
 * Answers with a server-sent event stream of the signed-in staff user's tenant (or of `principal`): the bus events
 * passing `filter`, each turned into a message by `message` (null skips it), after the messages
 * `catchUp` reads once listening has started (so nothing falls between the two). It holds one of
 * the subscription slots of the tenant and of the user (`web:<user>`; 429 when none is free),
 * writes a keepalive comment, and ends at the session's deadline or within SESSION_CHECK_MS of a
 * sign-out elsewhere (checked again before each message), when the client goes, or when the
 * server shuts down. The browser's reconnect then passes the sign-in check again, or is refused.
 */
export async function openLiveStream(c: Context<WidgetPageEnv>, slots: SubscriptionSlots, options: {
  filter: (event: LiveEvent) => boolean;
  message: (event: LiveEvent) => Promise<LiveMessage | null>;
  catchUp?: () => Promise<LiveMessage[]>;
  /** Whose stream it is when not a staff user's (a portal customer's: `web:<user>` in their tenant). */
  principal?: { tenantId: string; actor: string; data: TenantContext['data'] };
}) {
  const ctx = options.principal ?? staffTenantContext(c);
  let live: LiveSubscription | undefined;
  let release: () => void;
  try {
    release = slots.acquire(ctx.tenantId, ctx.actor, () => void live?.return());
  } catch (error) {
    if (error instanceof AppError && error.code === 'TOO_MANY_SUBSCRIPTIONS') return errorResponse(c, 429, error.code, error.message);
    throw error;
  }
  live = liveEvents.subscribe(ctx.tenantId, options.filter, release);
  const subscription = live;
  const missed = await (options.catchUp?.() ?? Promise.resolve([])).catch(async (error: unknown) => {
    await subscription.return();
    throw error;
  });
  const session = c.var.webSession!;
  const endsAt = Math.min(session.expiresAt.getTime(), session.lastSeenAt.getTime() + c.var.webSessionSetup.lifetimes.idleMs);
  const sessionOpen = () => webSessionIsOpen(ctx.data, session.id).catch(() => false);
  c.header('cache-control', 'no-store');
  return streamSSE(c, async (stream) => {
    stream.onAbort(() => void subscription.return());
    const keepalive = setInterval(() => void stream.write(': keepalive\n\n').catch(() => subscription.return()), KEEPALIVE_MS);
    const expiry = setTimeout(() => void subscription.return(), Math.min(MAX_TIMER_MS, Math.max(0, endsAt - Date.now())));
    const watch = setInterval(() => void sessionOpen().then((open) => { if (!open) void subscription.return(); }), SESSION_CHECK_MS);
    const send = async (message: LiveMessage) => {
      if (!(await sessionOpen())) return subscription.return();
      await stream.writeSSE(message);
    };
    try {
      for (const message of missed) await send(message);
      for await (const event of subscription) {
        const message = await options.message(event);
        if (message) await send(message);
      }
    } finally {
      clearInterval(keepalive);
      clearInterval(watch);
      clearTimeout(expiry);
      await subscription.return();
    }
  }, async () => { await subscription.return(); });
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
  const view = c.var.view;
  // The id is the entry's timeline cursor: a reconnecting browser sends it back as Last-Event-ID.
  const messageOf = async (entry: TimelineItem): Promise<LiveMessage> => ({
    event: 'timeline', id: encodeCursor(entry.at.getTime(), entry.id),
    data: await (<ViewProvider value={view}><TimelineEntry entry={entry} /></ViewProvider>).toString(),
  });
  // An entry written during the catch-up read arrives both ways: sent once.
  const caughtUp = new Set<string>();
  return openLiveStream(c, slots, {
    filter: (e) => e.customerId === customer.id && timelineItemOfEvent(e) !== null,
    catchUp: async () => {
      const missed = await entriesSince(ctx, customer.id, c.req.header('last-event-id') ?? c.req.query('since'));
      for (const entry of missed) caughtUp.add(entry.id);
      return Promise.all(missed.map(messageOf));
    },
    message: async (event) => {
      const entry = timelineItemOfEvent(event)!;
      return caughtUp.has(entry.id) ? null : messageOf(entry);
    },
  });
}
