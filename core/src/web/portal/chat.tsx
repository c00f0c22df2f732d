import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import type { Case } from '../../domain/cases.js';
import type { Interaction } from '../../domain/interactions.js';
import {
  endMyChat, MAX_CHAT_MESSAGE_CHARS, myChat, myOpenChats, sendMyChatMessage, startMyChat, tenantChatChannel, type ChatView,
} from '../../domain/portal-chat.js';
import type { SubscriptionSlots } from '../../graphql/subscriptions/index.js';
import { AppError } from '../../lib/errors.js';
import { CsrfField, FormProblem, TextAreaField, fieldErrorsOf } from '../form-fields.js';
import { useView, type WebView } from '../view.js';
import { chatCursor, streamChat } from './chat-stream.js';
import { customerOf, formFields, portalBase, portalTenantOf, type PortalContext, type PortalEnv } from './context.js';
import { PortalPage, type PortalViewer } from './portal-page.js';
import { orNotFound, sendPage, viewerOf } from './render-portal.js';

/** A fresh token for one chat form: intake records a message sent twice with it once. */
const formToken = () => randomBytes(12).toString('base64url');

/** What the customer typed and what was wrong with it, for a form drawn again. */
interface Typed { text: string; error?: string }

/** One message of the conversation as the customer sees it (on the page and in the live stream). */
export function PortalChatMessage(props: { message: Interaction }) {
  const { t, format } = useView();
  const m = props.message;
  const mine = m.direction === 'INBOUND';
  return (
    <li class={mine ? 'chat-message chat-message--mine' : 'chat-message'} id={`m-${m.id}`}>
      <p class="chat-message__meta">
        <strong>{mine ? t('chat.portal.you') : t('chat.portal.support')}</strong>{' · '}
        <time datetime={m.occurredAt.toISOString()}>{format.dateTime(m.occurredAt)}</time>
      </p>
      <p class="chat-message__body">{m.body}</p>
    </li>
  );
}

/** The message box: posts without script; htmx sends it in place and swaps in a fresh, empty box. */
function MessageForm(props: { action: string; csrfToken: string; label: string; submit: string; typed?: Typed; id: string }) {
  const { t } = useView();
  return (
    <form method="post" action={props.action} id={props.id} class="stacked-form chat-form" novalidate
      hx-post={props.action} hx-target={`#${props.id}`} hx-select={`#${props.id}`} hx-swap="outerHTML">
      <FormProblem message={props.typed?.error ? t('chat.errors.problem') : null} />
      <CsrfField token={props.csrfToken} />
      <input type="hidden" name="messageId" value={formToken()} />
      <TextAreaField name="text" label={props.label} value={props.typed?.text} rows={3} maxlength={MAX_CHAT_MESSAGE_CHARS} error={props.typed?.error} />
      <button type="submit">{props.submit}</button>
    </form>
  );
}

function ChatHome(props: { base: string; viewer: PortalViewer; chats: Case[]; typed?: Typed }) {
  const { t, format } = useView();
  return (
    <PortalPage title={t('chat.portal.title')} section="cases" viewer={props.viewer} assets={['chat.css']}>
      <h1>{t('chat.portal.title')}</h1>
      <p class="lead">{t('chat.portal.lead')}</p>
      {props.chats.length > 0 && (
        <section aria-labelledby="open-chats">
          <h2 id="open-chats">{t('chat.portal.openChats')}</h2>
          <ul class="portal-list">
            {props.chats.map((k) => (
              <li class="card">
                <a href={`${props.base}/chat/${k.id}`}>{t('chat.portal.continue', { subject: k.subject })}</a>
                <p class="muted">{t('chat.portal.openedAt', { date: format.dateTime(k.createdAt) })}</p>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="start-chat">
        <h2 id="start-chat">{t('chat.portal.startHeading')}</h2>
        <MessageForm id="chat-start" action={`${props.base}/chat`} csrfToken={props.viewer.csrfToken} label={t('chat.portal.firstMessage')}
          submit={t('chat.portal.start')} typed={props.typed} />
      </section>
    </PortalPage>
  );
}

function ChatPage(props: { base: string; viewer: PortalViewer; chat: ChatView; typed?: Typed }) {
  const { t } = useView();
  const { kase, messages, open } = props.chat;
  const url = `${props.base}/chat/${kase.id}`;
  const last = messages.at(-1);
  // The stream starts after the newest message drawn here, so none is shown twice or lost.
  const live = open ? { 'hx-ext': 'sse', 'sse-connect': `${url}/live${last ? `?since=${encodeURIComponent(chatCursor(last))}` : ''}` } : {};
  return (
    <PortalPage title={t('chat.portal.chatTitle', { subject: kase.subject })} section="cases" viewer={props.viewer} assets={['chat.css', 'htmx-sse.js']}>
      <h1>{t('chat.portal.chatTitle', { subject: kase.subject })}</h1>
      <section class="chat" aria-labelledby="conversation" {...live}>
        <h2 id="conversation">{t('chat.portal.conversation')}</h2>
        {open && <p class="muted">{t('chat.portal.liveNote')}</p>}
        <ol id="chat-log" class="chat-log" {...(open ? { 'sse-swap': 'message', 'hx-swap': 'beforeend', 'aria-live': 'polite', 'aria-relevant': 'additions' } : {})}>
          {messages.map((m) => <PortalChatMessage message={m} />)}
        </ol>
      </section>
      {open ? (
        <>
          <MessageForm id="chat-send" action={`${url}/messages`} csrfToken={props.viewer.csrfToken} label={t('chat.portal.message')}
            submit={t('chat.portal.send')} typed={props.typed} />
          <form method="post" action={`${url}/end`} class="chat-end">
            <CsrfField token={props.viewer.csrfToken} />
            <button type="submit" class="button--quiet">{t('chat.portal.end')}</button>
          </form>
        </>
      ) : (
        <>
          <p class="notice" role="status">{t('chat.portal.ended')}</p>
          <p><a class="button" href={`${props.base}/chat`}>{t('chat.portal.startAnother')}</a></p>
        </>
      )}
    </PortalPage>
  );
}

/**
 * The message field's problem in the page's language (nothing typed, or too much), or null when
 * the refusal is about something the form does not let anyone type (a forged form token).
 */
export function chatTextError(view: WebView, err: unknown, typed: string): string | null {
  const errors = fieldErrorsOf(err);
  if (!errors?.text) return null;
  return typed.trim() === '' ? view.t('chat.errors.required') : view.t('chat.errors.tooLong', { max: view.format.number(MAX_CHAT_MESSAGE_CHARS) });
}

/** A refused form the page never offers (a forged or missing token): a plain 400 with the code. */
const forged = (c: PortalContext, err: unknown) => {
  if (err instanceof AppError && err.code === 'BAD_USER_INPUT') return c.text(`BAD_USER_INPUT: ${err.message}`, 400);
  throw err;
};

/**
 * A form answered again with its problem: 422 for a plain post; htmx only swaps answers in the
 * 200s, so its request gets the same page with 200 and the problem beside the field.
 */
const formStatus = (c: PortalContext) => (c.req.header('hx-request') === 'true' ? 200 : 422);

/**
 * The customer's live chat with an agent (behind the customer guard): start one, write in it,
 * follow the answers as they are written, end it. Only when the tenant has a chat channel: the
 * messages go through the chat channel's intake like the chat widget's, so agents see one kind
 * of conversation. Another customer's chat is the HTML 404, like a missing one.
 */
export function chatRoutes(notFound: (c: PortalContext) => Response | Promise<Response>, slots: SubscriptionSlots): Hono<PortalEnv> {
  const routes = new Hono<PortalEnv>();
  routes.use('/chat', async (c, next) => ((await tenantChatChannel(portalTenantOf(c))) ? next() : notFound(c)));
  routes.use('/chat/*', async (c, next) => ((await tenantChatChannel(portalTenantOf(c))) ? next() : notFound(c)));
  const home = async (c: PortalContext, typed?: Typed) =>
    sendPage(c, <ChatHome base={portalBase(c)} viewer={viewerOf(c)!} chats={await myOpenChats(customerOf(c))} typed={typed} />, typed ? formStatus(c) : 200);
  const chatPage = async (c: PortalContext, typed?: Typed) =>
    sendPage(c, <ChatPage base={portalBase(c)} viewer={viewerOf(c)!} chat={await myChat(customerOf(c), c.req.param('id')!)} typed={typed} />, typed ? formStatus(c) : 200);

  routes.get('/chat', (c) => home(c));
  routes.post('/chat', async (c) => {
    const form = await formFields(c);
    try {
      const caseId = await startMyChat(customerOf(c), { text: form.text ?? '', messageId: form.messageId ?? '' });
      const to = `${portalBase(c)}/chat/${caseId}`;
      // htmx would swap the chat page into the start form: it loads the page instead.
      if (c.req.header('hx-request') === 'true') return c.body(null, 204, { 'hx-redirect': to });
      return c.redirect(to, 303);
    } catch (err) {
      const error = chatTextError(c.var.view, err, form.text ?? '');
      if (error === null) return forged(c, err);
      return home(c, { text: (form.text ?? '').slice(0, MAX_CHAT_MESSAGE_CHARS * 2), error });
    }
  });
  routes.get('/chat/:id', (c) => orNotFound(c, notFound, () => chatPage(c)));
  routes.get('/chat/:id/live', (c) => orNotFound(c, notFound, async () => {
    const customer = customerOf(c);
    const id = c.req.param('id');
    const chat = await myChat(customer, id);
    return streamChat(c, slots, {
      tenantId: customer.tenantId, data: customer.data, actor: `web:${customer.userId}`, caseId: chat.kase.id,
      history: async () => (await myChat(customer, id)).messages,
      render: (message) => <PortalChatMessage message={message} />,
    });
  }));
  routes.post('/chat/:id/messages', (c) => orNotFound(c, notFound, async () => {
    const form = await formFields(c);
    const url = `${portalBase(c)}/chat/${encodeURIComponent(c.req.param('id'))}`;
    try {
      await sendMyChatMessage(customerOf(c), c.req.param('id'), { text: form.text ?? '', messageId: form.messageId ?? '' });
      return c.redirect(`${url}#chat-send`, 303);
    } catch (err) {
      // Ended since the page was drawn: the chat page now says so.
      if (err instanceof AppError && err.code === 'CONFLICT') return c.redirect(url, 303);
      const error = chatTextError(c.var.view, err, form.text ?? '');
      if (error === null) return forged(c, err);
      return chatPage(c, { text: (form.text ?? '').slice(0, MAX_CHAT_MESSAGE_CHARS * 2), error });
    }
  }));
  routes.post('/chat/:id/end', (c) => orNotFound(c, notFound, async () => {
    await endMyChat(customerOf(c), c.req.param('id'));
    return c.redirect(`${portalBase(c)}/chat/${encodeURIComponent(c.req.param('id'))}`, 303);
  }));
  return routes;
}
