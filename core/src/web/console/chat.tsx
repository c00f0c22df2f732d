import { Hono, type Context } from 'hono';
import type { Case } from '../../domain/cases.js';
import type { Interaction } from '../../domain/interactions.js';
import { answerChat, chatOfCase, MAX_CHAT_MESSAGE_CHARS, openChats, type ChatView } from '../../domain/portal-chat.js';
import type { SubscriptionSlots } from '../../graphql/subscriptions/index.js';
import { AppError } from '../../lib/errors.js';
import { CsrfField, FormProblem, TextAreaField } from '../form-fields.js';
import { chatCursor, streamChat } from '../portal/chat-stream.js';
import { chatTextError } from '../portal/chat.js';
import { renderPage } from '../render.js';
import { staffTenantContext } from '../session/index.js';
import { useView } from '../view.js';
import type { WidgetPageEnv } from '../widget-slot.js';
import { ConsolePage, consoleBase, type ConsoleUser } from './frame.js';

type ConsoleContext = Context<WidgetPageEnv>;

/** One message of a chat as the agent sees it (on the page and in the live stream). */
export function ConsoleChatMessage(props: { message: Interaction }) {
  const { t, format } = useView();
  const m = props.message;
  const fromCustomer = m.direction === 'INBOUND';
  return (
    <li class={fromCustomer ? 'chat-message' : 'chat-message chat-message--mine'} id={`m-${m.id}`}>
      <p class="chat-message__meta">
        <strong>{fromCustomer ? t('chat.console.customer') : t('chat.console.agent')}</strong>{' · '}
        <time datetime={m.occurredAt.toISOString()}>{format.dateTime(m.occurredAt)}</time>
      </p>
      <p class="chat-message__body">{m.body}</p>
    </li>
  );
}

function ChatsPage(props: { user: ConsoleUser; chats: Case[] }) {
  const view = useView();
  const { t, format } = view;
  const base = consoleBase(view.tenant!.tenant.slug);
  return (
    <ConsolePage title={t('chat.console.title')} user={props.user} assets={['chat.css']}>
      <h1>{t('chat.console.title')}</h1>
      <p>{t('chat.console.lead')}</p>
      {props.chats.length === 0 ? <p class="muted">{t('chat.console.none')}</p> : (
        <ul class="chat-list">
          {props.chats.map((k) => (
            <li class="card">
              <a href={`${base}/chats/${k.id}`}>{t('chat.console.item', { number: k.number, subject: k.subject })}</a>
              {' '}<span class="muted">{t('chat.console.openedAt', { date: format.dateTime(k.createdAt) })}</span>
            </li>
          ))}
        </ul>
      )}
    </ConsolePage>
  );
}

function ChatPage(props: { user: ConsoleUser; chat: ChatView; typed?: { text: string; error: string } }) {
  const view = useView();
  const { t } = view;
  const base = consoleBase(view.tenant!.tenant.slug);
  const { kase, messages, open } = props.chat;
  const url = `${base}/chats/${kase.id}`;
  const last = messages.at(-1);
  const live = open ? { 'hx-ext': 'sse', 'sse-connect': `${url}/live${last ? `?since=${encodeURIComponent(chatCursor(last))}` : ''}` } : {};
  const title = t('chat.console.chatTitle', { number: kase.number, subject: kase.subject });
  return (
    <ConsolePage title={title} user={props.user} assets={['chat.css', 'htmx-sse.js']}>
      <h1>{title}</h1>
      <p><a href={`${base}/cases/${kase.id}`}>{t('chat.console.caseLink')}</a> · <a href={`${base}/customers/${kase.customerId}`}>{t('chat.console.customer')}</a></p>
      <section class="chat" aria-labelledby="conversation" {...live}>
        <h2 id="conversation">{t('chat.console.conversation')}</h2>
        {open && <p class="muted">{t('chat.console.liveNote')}</p>}
        <ol id="chat-log" class="chat-log" {...(open ? { 'sse-swap': 'message', 'hx-swap': 'beforeend', 'aria-live': 'polite', 'aria-relevant': 'additions' } : {})}>
          {messages.map((m) => <ConsoleChatMessage message={m} />)}
        </ol>
      </section>
      {open ? (
        <form method="post" action={`${url}/reply`} id="chat-answer" class="stacked-form chat-form" novalidate
          hx-post={`${url}/reply`} hx-target="#chat-answer" hx-select="#chat-answer" hx-swap="outerHTML">
          <FormProblem message={props.typed ? t('chat.errors.problem') : null} />
          <CsrfField token={props.user.csrfToken} />
          <TextAreaField name="text" label={t('chat.console.answer')} hint={t('chat.console.answerHint')} value={props.typed?.text} rows={3}
            maxlength={MAX_CHAT_MESSAGE_CHARS} error={props.typed?.error} />
          <button type="submit">{t('chat.console.send')}</button>
        </form>
      ) : <p class="notice" role="status">{t('chat.console.ended')}</p>}
    </ConsolePage>
  );
}

const userOf = (c: ConsoleContext): ConsoleUser => ({ name: c.var.webUser!.name, csrfToken: c.var.csrfToken });

/**
 * The agent's side of live chats (behind the console's staff guard): the open chats, one chat
 * with its messages arriving live, and the answer form, which records the answer on the chat's
 * channel (replyOnChannel) so the customer's page shows it at once. A case that is not a chat,
 * or another tenant's, is the console's HTML 404.
 */
export function consoleChatRoutes(slots: SubscriptionSlots): Hono<WidgetPageEnv> {
  const routes = new Hono<WidgetPageEnv>();
  const chatPage = async (c: ConsoleContext, typed?: { text: string; error: string }) => {
    const chat = await chatOfCase(staffTenantContext(c), c.req.param('id')!);
    // htmx swaps only answers in the 200s: its request gets the problem with 200, a plain post 422.
    const status = typed ? (c.req.header('hx-request') === 'true' ? 200 : 422) : 200;
    return renderPage(c, c.var.view, <ChatPage user={userOf(c)} chat={chat} typed={typed} />, status);
  };
  routes.get('/chats', async (c) => renderPage(c, c.var.view, <ChatsPage user={userOf(c)} chats={await openChats(staffTenantContext(c))} />));
  routes.get('/chats/:id', (c) => chatPage(c));
  routes.get('/chats/:id/live', async (c) => {
    const ctx = staffTenantContext(c);
    const id = c.req.param('id');
    const chat = await chatOfCase(ctx, id);
    return streamChat(c, slots, {
      tenantId: ctx.tenantId, data: ctx.data, actor: ctx.actor, caseId: chat.kase.id,
      history: async () => (await chatOfCase(ctx, id)).messages,
      render: (message) => <ConsoleChatMessage message={message} />,
    });
  });
  routes.post('/chats/:id/reply', async (c) => {
    const id = c.req.param('id');
    const body = await c.req.parseBody().catch(() => ({} as Record<string, unknown>));
    const text = typeof body.text === 'string' ? body.text : '';
    try {
      await answerChat(staffTenantContext(c), id, { text });
      return c.redirect(`${consoleBase(c.var.webTenant.slug)}/chats/${encodeURIComponent(id)}#chat-answer`, 303);
    } catch (err) {
      // Ended since the page was drawn: the chat page now says so.
      if (err instanceof AppError && err.code === 'CONFLICT') return c.redirect(`${consoleBase(c.var.webTenant.slug)}/chats/${encodeURIComponent(id)}`, 303);
      const error = chatTextError(c.var.view, err, text);
      if (error === null) throw err;
      return chatPage(c, { text: text.slice(0, MAX_CHAT_MESSAGE_CHARS * 2), error });
    }
  });
  return routes;
}
