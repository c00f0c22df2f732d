import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { streamSSE } from 'hono/streaming';
import type { Interaction } from '../../domain/interactions.js';
import { liveEvents, type LiveSubscription } from '../../domain/live-events.js';
import type { SubscriptionSlots } from '../../graphql/subscriptions/index.js';
import { errorResponse } from '../../http/authenticate.js';
import { AppError } from '../../lib/errors.js';
import type { TenantDb } from '../../db/tenant-db.js';
import { webSessionIsOpen } from '../../tenancy/web-sessions.js';
import { SESSION_CHECK_MS } from '../console/live.js';
import { ViewProvider } from '../view.js';
import type { WidgetPageEnv } from '../widget-slot.js';

/** A comment line this often keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 25_000;
/** setTimeout's longest delay; a stream reaching it ends and the browser reconnects. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A chat message's place in the conversation, `<ms>~<id>`: the SSE event id, sent back as Last-Event-ID. */
export const chatCursor = (m: Pick<Interaction, 'occurredAt' | 'id'>) => `${m.occurredAt.getTime()}~${m.id}`;

/** Messages after the cursor (in conversation order); none for no cursor or one this server did not write. */
export function messagesAfter(messages: Interaction[], cursor: string | undefined): Interaction[] {
  const match = /^(\d{1,15})~([A-Za-z0-9_-]{1,64})$/.exec(cursor ?? '');
  if (!match) return [];
  const at = Number(match[1]);
  const id = match[2]!;
  return messages.filter((m) => m.occurredAt.getTime() > at || (m.occurredAt.getTime() === at && m.id > id));
}

/** What one chat stream needs: whose slot it takes, which case it follows and how a message is drawn. */
export interface ChatStream {
  tenantId: string;
  data: TenantDb;
  /** The principal the stream's slot is counted against (`web:<user>`). */
  actor: string;
  caseId: string;
  /** The conversation as it stands (read after listening starts), to catch up from the cursor. */
  history: () => Promise<Interaction[]>;
  /** One message as the page's list item. */
  render: (message: Interaction) => Child;
}

/**
 * The chat's new messages as server-sent events (event `message`, the list item's HTML) for
 * htmx's SSE extension to add at the end of the conversation, as the console's live timeline
 * does: a slot from the same per-tenant and per-principal count as GraphQL subscriptions (429
 * TOO_MANY_SUBSCRIPTIONS past it), a catch-up from `?since=` or Last-Event-ID so nothing written
 * while the page loaded is lost, and an end at the web session's deadline or within
 * SESSION_CHECK_MS of a sign-out. The caller has already checked the viewer may see the case.
 */
export async function streamChat(c: Context<WidgetPageEnv>, slots: SubscriptionSlots, chat: ChatStream): Promise<Response> {
  let live: LiveSubscription | undefined;
  let release: () => void;
  try {
    release = slots.acquire(chat.tenantId, chat.actor, () => void live?.return());
  } catch (error) {
    if (error instanceof AppError && error.code === 'TOO_MANY_SUBSCRIPTIONS') return errorResponse(c, 429, error.code, error.message);
    throw error;
  }
  live = liveEvents.subscribe(chat.tenantId, (e) => e.type === 'interaction.added' && e.interaction.caseId === chat.caseId, release);
  const subscription = live;
  // Listening first, then reading what the page has not shown: nothing falls between the two.
  const cursor = (c.req.header('last-event-id') ?? c.req.query('since'))?.slice(0, 100);
  const missed = await chat.history().then((all) => messagesAfter(all, cursor)).catch(async (error: unknown) => {
    await subscription.return();
    throw error;
  });
  const view = c.var.view;
  const session = c.var.webSession!;
  const endsAt = Math.min(session.expiresAt.getTime(), session.lastSeenAt.getTime() + c.var.webSessionSetup.lifetimes.idleMs);
  const sessionOpen = () => webSessionIsOpen(chat.data, session.id).catch(() => false);
  c.header('cache-control', 'no-store');
  return streamSSE(c, async (stream) => {
    stream.onAbort(() => void subscription.return());
    const keepalive = setInterval(() => void stream.write(': keepalive\n\n').catch(() => subscription.return()), KEEPALIVE_MS);
    const expiry = setTimeout(() => void subscription.return(), Math.min(MAX_TIMER_MS, Math.max(0, endsAt - Date.now())));
    const watch = setInterval(() => void sessionOpen().then((open) => { if (!open) void subscription.return(); }), SESSION_CHECK_MS);
    const send = async (message: Interaction) => {
      if (!(await sessionOpen())) return subscription.return();
      const html = await (<ViewProvider value={view}>{chat.render(message)}</ViewProvider>).toString();
      await stream.writeSSE({ event: 'message', id: chatCursor(message), data: html });
    };
    try {
      for (const message of missed) await send(message);
      // A message written during the catch-up read arrives both ways: sent once.
      const caughtUp = new Set(missed.map((m) => m.id));
      for await (const event of subscription) {
        if (event.type === 'interaction.added' && !caughtUp.has(event.interaction.id)) await send(event.interaction);
      }
    } finally {
      clearInterval(keepalive);
      clearInterval(watch);
      clearTimeout(expiry);
      await subscription.return();
    }
  }, async () => { await subscription.return(); });
}
