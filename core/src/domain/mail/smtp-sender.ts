import nodemailer, { type Transporter } from 'nodemailer';
import type { TenantDb } from '../../db/tenant-db.js';
import { markMailFailed, markMailSent, pendingMail } from './outbox.js';

export interface MailSenderOptions {
  /** `smtp://…` or `smtps://…` (MOSAIC_SMTP_URL); null keeps every message in the outbox only. */
  smtpUrl: string | null;
  from: string;
}

/**
 * Delivers a tenant's queued mail over SMTP. Without an SMTP URL it does nothing: the outbox
 * is the mailbox (the demo lists it). A refused message is marked failed with the server's
 * reason rather than retried for ever.
 */
export class MailSender {
  readonly #transport: Transporter | null;

  constructor(private readonly options: MailSenderOptions) {
    this.#transport = options.smtpUrl
      ? nodemailer.createTransport({ url: options.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 })
      : null;
  }

  get enabled(): boolean {
    return this.#transport !== null;
  }

  /** Sends what is pending in the tenant's outbox; answers how many were sent and failed. */
  async deliverPending(data: TenantDb): Promise<{ sent: number; failed: number }> {
    const result = { sent: 0, failed: 0 };
    if (!this.#transport) return result;
    for (const message of await pendingMail(data)) {
      try {
        await this.#transport.sendMail({ from: this.options.from, to: message.to, subject: message.subject, text: message.text });
        await markMailSent(data, message.id);
        result.sent += 1;
      } catch (err) {
        await markMailFailed(data, message.id, err instanceof Error ? err.message : String(err));
        result.failed += 1;
      }
    }
    return result;
  }

  close(): void {
    this.#transport?.close();
  }
}
