import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { TenantDb } from '../../db/tenant-db.js';
import type { Interaction } from '../../domain/interactions.js';
import type { SubscriptionSlots } from '../../graphql/subscriptions/index.js';
import { openLiveStream, type LiveMessage } from '../console/live.js';
import { ViewProvider } from '../view.js';
import type { WidgetPageEnv } from '../widget-slot.js';

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
 * htmx's SSE extension to add at the end of the conversation, through the console's live stream
 * (openLiveStream: a subscription slot of the tenant and the principal, session checks, keepalive),
 * after a catch-up from `?since=` or Last-Event-ID so nothing written while the page loaded is
 * lost. The caller has already checked the viewer may see the case.
 */
export async function streamChat(c: Context<WidgetPageEnv>, slots: SubscriptionSlots, chat: ChatStream): Promise<Response> {
  const view = c.var.view;
  const messageOf = async (message: Interaction): Promise<LiveMessage> => ({
    event: 'message', id: chatCursor(message),
    data: await (<ViewProvider value={view}>{chat.render(message)}</ViewProvider>).toString(),
  });
  // A message written during the catch-up read arrives both ways: sent once.
  const caughtUp = new Set<string>();
  const cursor = (c.req.header('last-event-id') ?? c.req.query('since'))?.slice(0, 100);
  return openLiveStream(c, slots, {
    principal: { tenantId: chat.tenantId, actor: chat.actor, data: chat.data },
    filter: (e) => e.type === 'interaction.added' && e.interaction.caseId === chat.caseId,
    catchUp: async () => {
      const missed = messagesAfter(await chat.history(), cursor);
      for (const message of missed) caughtUp.add(message.id);
      return Promise.all(missed.map(messageOf));
    },
    message: async (event) => (event.type === 'interaction.added' && !caughtUp.has(event.interaction.id) ? messageOf(event.interaction) : null),
  });
}
