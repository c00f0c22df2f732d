import type { Context } from 'hono';
import { listMail, type MailMessage } from '../domain/mail/index.js';
import type { Platform } from '../platform.js';
import { Page } from './layout/page.js';
import { renderPage } from './render.js';
import { useView } from './view.js';
import type { WebEnv } from './web-env.js';

const LINK = /(https?:\/\/[^\s<>"]+)/g;

/** A message's text with its web addresses as links (a reset link is the point of most mail). */
function MailText({ text }: { text: string }) {
  const parts = text.split(LINK);
  return <pre class="mail-text">{parts.map((part, i) => (i % 2 === 1 ? <a href={part}>{part}</a> : part))}</pre>;
}

function statusOf(message: MailMessage): 'queued' | 'sent' | 'failed' {
  if (message.sentAt) return 'sent';
  return message.failedAt ? 'failed' : 'queued';
}

function Mailbox({ messages }: { messages: MailMessage[] }) {
  const { t, format, tenant } = useView();
  return (
    <Page title={t('mailbox.title')}>
      <h1>{t('mailbox.title')}</h1>
      <p class="lead">{t('mailbox.lead', { tenant: tenant!.branding.displayName })}</p>
      {messages.length === 0 && <p>{t('mailbox.empty')}</p>}
      {messages.map((m) => (
        <article class="card" aria-labelledby={`mail-${m.id}`}>
          <h2 id={`mail-${m.id}`}>{m.subject}</h2>
          <dl class="mail-meta">
            <dt>{t('mailbox.to')}</dt><dd>{m.to}</dd>
            <dt>{t('mailbox.sent')}</dt><dd><time datetime={m.createdAt.toISOString()}>{format.dateTime(m.createdAt)}</time></dd>
          </dl>
          <p class="muted">{t(`mailbox.status.${statusOf(m)}`)}</p>
          <MailText text={m.text} />
        </article>
      ))}
    </Page>
  );
}

/**
 * GET /t/:tenant/mailbox on a development server (MOSAIC_DEV_MAILBOX=1): the tenant's outgoing
 * mail, newest first, so a demo's password reset can be followed without an SMTP server. Off,
 * the address does not exist: the page shows reset links to whoever opens it.
 */
export function mailboxPage(platform: Platform, notFound: (c: Context<WebEnv>) => Promise<Response>) {
  return async (c: Context<WebEnv>) => {
    if (!platform.config.web.devMailbox) return notFound(c);
    const view = c.get('view');
    const messages = await listMail(await platform.tenants.get(view.tenant!.tenant.id));
    return renderPage(c, view, <Mailbox messages={messages} />);
  };
}
