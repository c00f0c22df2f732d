import type { TenantDb } from '../db/tenant-db.js';
import { MailSender } from '../domain/mail/index.js';
import type { Platform } from '../platform.js';

const senders = new WeakMap<Platform, MailSender>();

function senderOf(platform: Platform): MailSender {
  let sender = senders.get(platform);
  if (!sender) {
    sender = new MailSender({ smtpUrl: platform.config.web.smtpUrl, from: platform.config.web.mailFrom });
    senders.set(platform, sender);
  }
  return sender;
}

/**
 * Hands a tenant's queued mail to SMTP after the page has answered, so a slow mail server never
 * holds up the visitor; without an SMTP URL the mail stays in the outbox (the mailbox page).
 */
export function deliverMailSoon(platform: Platform, data: TenantDb): void {
  const sender = senderOf(platform);
  if (!sender.enabled) return;
  void sender.deliverPending(data).catch((err: unknown) => platform.logger.error({ err }, 'delivering mail failed'));
}
